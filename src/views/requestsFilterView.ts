// Shows the Requests view's filter where people look: the view's description (beside its title) and
// its message (above the rows) say what filter is in force and how many rows it shows of how many,
// and the `fal.requestsFiltered` context key shows Clear Filter in the title bar and hides the
// "No fal requests yet" welcome while a filter hides every row.
import * as vscode from 'vscode';
import { describeFilter } from '../common/requestFilter';
import type { FilterSummary, RequestNode, RequestsTreeProvider } from './requestsTree';

export const FILTERED_CONTEXT_KEY = 'fal.requestsFiltered';

/** The view's description and message for a filter's summary. */
export function filterTexts(summary: FilterSummary): { description: string; message: string } {
  const what = describeFilter(summary.filter);
  const of = `${summary.shown} of ${summary.total}`;
  return {
    description: `${what} (${of})`,
    message:
      summary.shown === 0
        ? `No request matches the filter ${what} (0 of ${summary.total}). Clear Filter shows them all.`
        : `Filtered: ${what}. Showing ${of} requests.`,
  };
}

export function bindFilterToView(
  view: vscode.TreeView<RequestNode>,
  tree: RequestsTreeProvider,
): vscode.Disposable {
  const show = (summary: FilterSummary | undefined) => {
    const texts = summary && filterTexts(summary);
    view.description = texts?.description;
    view.message = texts?.message;
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT_KEY, !!summary);
  };
  show(tree.filterSummary);
  return tree.onDidChangeSummary(show);
}
