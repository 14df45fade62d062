// "Filter Requests..." and "Clear Filter" of the Requests view's title bar. The picker offers, as
// one list, the text typed (matched against ids, endpoint, input and output: requestFilter.ts), each
// endpoint of the records with its count, and the states; a choice sets that part of the filter and
// keeps the others. The command also takes a filter object (`{ endpoint?, state?, text? }`), for
// tests and other commands; it replaces the filter.
import * as vscode from 'vscode';
import { withoutLinks } from '../common/recordText';
import {
  describeFilter,
  endpointCounts,
  isFilterSet,
  parseFilter,
  STATE_FILTERS,
  type RequestFilter,
  type StateFilter,
} from '../common/requestFilter';
import type { RequestStore } from '../requests/requestStore';
import type { RequestsTreeProvider } from '../views/requestsTree';

type Choice = vscode.QuickPickItem & { readonly set?: Partial<RequestFilter>; readonly clear?: true };

export async function filterRequests(
  store: RequestStore,
  tree: RequestsTreeProvider,
  given?: unknown,
): Promise<RequestFilter | undefined> {
  if (given !== undefined) {
    try {
      tree.setFilter(parseFilter(given));
    } catch (err) {
      void vscode.window.showErrorMessage(withoutLinks((err as Error).message));
    }
    return tree.filter;
  }
  const current = tree.filter ?? {};
  const choice = await pick(store, current);
  if (!choice) return tree.filter;
  tree.setFilter(choice.clear ? undefined : { ...current, ...choice.set });
  return tree.filter;
}

export function clearRequestsFilter(tree: RequestsTreeProvider): void {
  tree.setFilter(undefined);
}

/** The picker: the typed text first (always shown), then the endpoints and the states. */
function pick(store: RequestStore, current: RequestFilter): Promise<Choice | undefined> {
  const picker = vscode.window.createQuickPick<Choice>();
  picker.title = 'Filter Requests';
  picker.placeholder = isFilterSet(current)
    ? `Filtered: ${describeFilter(current)}. Type text to find, or pick an endpoint or a state`
    : 'Type text to find (request id, endpoint, input, output), or pick an endpoint or a state';
  picker.matchOnDescription = true;
  const mark = (on: boolean) => (on ? '$(check) ' : '');
  const fixed: Choice[] = [
    { kind: vscode.QuickPickItemKind.Separator, label: 'Endpoint' },
    { label: `${mark(!current.endpoint)}any endpoint`, set: { endpoint: undefined }, alwaysShow: false },
    ...endpointCounts(store.all()).map(({ endpoint, count }) => ({
      label: `${mark(current.endpoint === endpoint)}${endpoint}`,
      description: `${count} request${count === 1 ? '' : 's'}`,
      set: { endpoint },
    })),
    { kind: vscode.QuickPickItemKind.Separator, label: 'State' },
    { label: `${mark(!current.state)}any state`, set: { state: undefined } },
    ...STATE_FILTERS.map(({ value, label, detail }) => ({
      label: `${mark(current.state === value)}${label}`,
      description: detail,
      set: { state: value as StateFilter },
    })),
  ];
  const clear: Choice[] = isFilterSet(current)
    ? [
        {
          label: '$(clear-all) Clear Filter',
          description: describeFilter(current),
          clear: true,
          alwaysShow: true,
        },
      ]
    : [];
  const textChoice = (value: string): Choice[] => {
    const text = value.trim();
    if (text) {
      return [
        {
          label: `$(search) Text: ${text}`,
          description: 'in request ids, endpoint, method, error, input and output',
          set: { text },
          alwaysShow: true,
        },
      ];
    }
    return current.text
      ? [{ label: `$(close) Drop the text "${current.text}"`, set: { text: undefined }, alwaysShow: true }]
      : [];
  };
  picker.items = [...textChoice(''), ...clear, ...fixed];
  picker.onDidChangeValue((value) => {
    picker.items = [...textChoice(value), ...clear, ...fixed];
  });
  return new Promise((resolve) => {
    picker.onDidAccept(() => {
      resolve(picker.selectedItems[0]);
      picker.hide();
    });
    picker.onDidHide(() => {
      resolve(undefined);
      picker.dispose();
    });
    picker.show();
  });
}
