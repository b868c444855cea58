import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { API_REF_PATTERN, DEPENDS_ON_REF_PATTERN, catalogFragment, entityRefKey, mergeEntityRefs } from './catalogRelations';

const schema = z.object(catalogFragment);

describe('catalogFragment', () => {
  it('defaults every relation to []', () => {
    expect(schema.parse({})).toEqual({ catalog: { dependsOn: [], consumesApis: [], providesApis: [] } });
  });

  it('takes dependsOn only with its kind, component or resource, and APIs with or without api:', () => {
    expect(schema.safeParse({ catalog: { dependsOn: ['resource:bookstore-db', 'component:default/catalog'], consumesApis: ['orders', 'api:default/catalog'] } }).success).toBe(true);
    for (const bad of [{ dependsOn: ['bookstore-db'] }, { dependsOn: ['system:bookstore'] }, { providesApis: ['component:catalog'] }, { consumesApis: ['api:'] }]) {
      expect({ bad, ok: schema.safeParse({ catalog: bad }).success }).toEqual({ bad, ok: false });
    }
    expect(schema.safeParse({ catalog: { extra: [] } }).success).toBe(false);
  });

  it('accepts only references the catalog itself parses, with the default kinds it gives each field', () => {
    for (const ref of ['resource:bookstore-db', 'component:team-a/catalog.v2']) {
      expect(new RegExp(DEPENDS_ON_REF_PATTERN).test(ref)).toBe(true);
      expect(parseEntityRef(ref, { defaultNamespace: 'default' }).name).toBe(ref.split(/[:/]/).pop());
    }
    for (const ref of ['orders', 'api:orders', 'api:team-a/orders']) {
      expect(new RegExp(API_REF_PATTERN).test(ref)).toBe(true);
      expect(parseEntityRef(ref, { defaultKind: 'API', defaultNamespace: 'default' }).kind.toLowerCase()).toBe('api');
    }
  });
});

describe('mergeEntityRefs', () => {
  it('keys a reference as stringifyEntityRef writes it', () => {
    for (const [ref, defaultKind] of [['resource:bookstore-db', undefined], ['Resource:Default/Bookstore-DB', undefined], ['orders', 'API']] as const) {
      expect(entityRefKey(ref, defaultKind)).toBe(stringifyEntityRef(parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' })));
    }
  });

  it("keeps every list's references in order, each entity once, in its first spelling", () => {
    expect(mergeEntityRefs([['resource:db', 'component:web'], ['resource:default/db', 'resource:cache', 'component:web']])).toEqual(['resource:db', 'component:web', 'resource:cache']);
    expect(mergeEntityRefs([['orders', 'api:orders', 'api:default/catalog', 'catalog']], 'api')).toEqual(['orders', 'api:default/catalog']);
  });
});
