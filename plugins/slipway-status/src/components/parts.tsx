import { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ImageRef, Tone } from '../model';

const TONE_COLOURS: Record<Tone, string> = {
  ok: '#2e7d32',
  warning: '#ed6c02',
  error: '#d32f2f',
  progress: '#0277bd',
  paused: '#7b5e00',
  neutral: '#757575',
};

const useStyles = makeStyles(theme => ({
  // A plain anchor: MUI v4's Link calls findDOMNode, which React 18 warns about.
  link: { color: theme.palette.primary.main, textDecoration: 'none', '&:hover, &:focus': { textDecoration: 'underline' } },
  status: { display: 'inline-flex', alignItems: 'center', gap: 6, fontWeight: 500 },
  dot: { width: 9, height: 9, borderRadius: '50%', flex: 'none' },
  line: { display: 'block', fontSize: '0.8125rem', lineHeight: 1.45 },
  detail: { display: 'block', fontSize: '0.75rem', lineHeight: 1.4, overflowWrap: 'anywhere' },
  mono: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: '0.8125rem' },
}));

/** A coloured dot and a word: the tone is also written out for screen readers. */
export function Status({ tone, children }: { tone: Tone; children: ReactNode }) {
  const classes = useStyles();
  return (
    <span className={classes.status} data-tone={tone}>
      <span className={classes.dot} style={{ background: TONE_COLOURS[tone] }} aria-hidden />
      <span>{children}</span>
    </span>
  );
}

/** One line of a cell. */
export function Line({ children, testId }: { children: ReactNode; testId?: string }) {
  const classes = useStyles();
  return (
    <Typography component="span" className={classes.line} data-testid={testId}>
      {children}
    </Typography>
  );
}

/** A secondary, smaller line (reasons, messages). */
export function Detail({ children, tone, testId }: { children: ReactNode; tone?: Tone; testId?: string }) {
  const classes = useStyles();
  return (
    <Typography
      component="span"
      className={classes.detail}
      color={tone ? undefined : 'textSecondary'}
      style={tone ? { color: TONE_COLOURS[tone] } : undefined}
      data-testid={testId}
    >
      {children}
    </Typography>
  );
}

export function Mono({ children }: { children: ReactNode }) {
  const classes = useStyles();
  return <span className={classes.mono}>{children}</span>;
}

export function ExternalLink({ href, children, title }: { href?: string; children: ReactNode; title?: string }) {
  const classes = useStyles();
  if (!href) return <span title={title}>{children}</span>;
  return (
    <a className={classes.link} href={href} target="_blank" rel="noopener noreferrer" title={title}>
      {children}
    </a>
  );
}

/** An image tag (or short digest), linked to its commit when the repository is known. */
export function Image({ image }: { image: ImageRef }) {
  return (
    <Mono>
      <ExternalLink href={image.commitUrl} title={image.image}>
        {image.label}
      </ExternalLink>
    </Mono>
  );
}
