import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import { EnvironmentRow } from '../model';
import { AnalysisCell, ArgoCdCell, EnvironmentCell, ImageCell, PodsCell, RolloutCell } from './cells';
import { Detail, Status } from './parts';

const useStyles = makeStyles({
  table: { '& td, & th': { verticalAlign: 'top', paddingLeft: 8, paddingRight: 8 } },
  wrap: { overflowX: 'auto' },
});

/** Column titles and the width below which the table scrolls sideways instead of squeezing them. */
const COLUMNS: Array<[string, number]> = [
  // Sized so all six fit the entity overview's main column (about 630 px) before scrolling.
  ['Environment', 90],
  ['Argo CD', 105],
  ['Deployed image', 105],
  ['Rollout', 110],
  ['Latest analysis', 135],
  ['Pods', 80],
];

function Missing({ row }: { row: EnvironmentRow }) {
  return (
    <>
      {row.state === 'awaiting-image' ? (
        <Status tone="progress">awaiting first image</Status>
      ) : row.state === 'not-deployed' ? (
        <Status tone="neutral">not deployed</Status>
      ) : (
        <Status tone="warning">unknown</Status>
      )}
      {row.notes.map(note => (
        <Detail key={note}>{note}</Detail>
      ))}
    </>
  );
}

export function EnvironmentsTable({ rows }: { rows: EnvironmentRow[] }) {
  const classes = useStyles();
  return (
    <div className={classes.wrap}>
      <Table size="small" className={classes.table} aria-label="GitOps environments">
        <TableHead>
          <TableRow>
            {COLUMNS.map(([column, minWidth]) => (
              <TableCell key={column} style={{ minWidth }}>
                {column}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={row.key} data-testid={`environment-${row.key}`} data-state={row.state}>
              <TableCell>
                <EnvironmentCell row={row} />
              </TableCell>
              {row.state === 'deployed' ? (
                <>
                  <TableCell>
                    <ArgoCdCell row={row} />
                  </TableCell>
                  <TableCell>
                    <ImageCell row={row} />
                  </TableCell>
                  <TableCell>
                    <RolloutCell row={row} />
                    {row.notes.map(note => (
                      <Detail key={note}>{note}</Detail>
                    ))}
                  </TableCell>
                  <TableCell>
                    <AnalysisCell row={row} />
                  </TableCell>
                  <TableCell>
                    <PodsCell row={row} />
                  </TableCell>
                </>
              ) : row.argocd ? (
                <>
                  <TableCell>
                    <ArgoCdCell row={row} />
                  </TableCell>
                  <TableCell colSpan={4}>
                    <Missing row={row} />
                  </TableCell>
                </>
              ) : (
                <TableCell colSpan={5}>
                  <Missing row={row} />
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
