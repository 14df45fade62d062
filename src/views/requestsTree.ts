// The "Requests" tree in the fal sidebar: one item per call, newest first, its live state (queue
// position, in progress, completed, failed, cancelled) with its time as the label and the call
// (`run sandbox/echo`) as the description, and, under it, its logs, metrics and error.
// A completed call whose units can be counted shows its estimated cost (tooltip and a child line).
// Everything a server sent is shown as plain text (labels, and tooltips as plain strings). A queued
// request says why it waits ("queued 45 s · position 3, unchanged for 40 s"), redrawn every few
// seconds while any request is queued and the view shows. The newest LIST_PAGE records are listed
// at the top, older ones folded in groups; a hidden view is not refreshed until it shows.
// The list can be filtered (requestFilter.ts: endpoint, state, text); the provider then shows the
// matching records only and tells how many it shows of how many (`onDidChangeSummary`), and a record
// whose change makes it enter or leave the filter refreshes the list, any other change only its row.
import * as vscode from 'vscode';
import { isFilterSet, RequestMatcher, type RequestFilter } from '../common/requestFilter';
import type { RequestLog } from '../common/callModel';
import { describeError, describeLogCount, describeQueueWait, describeState } from '../common/recordText';
import type { RequestRecord, RequestState } from '../common/callModel';
import type { RequestStore } from '../requests/requestStore';
import { estimateCallCost, type CallCost } from '../common/costEstimate';
import type { EndpointPriceSource } from '../connection/endpointPrices';
import { requestDocumentUri } from './requestDocuments';

export type RequestNode =
  | { readonly kind: 'request'; readonly id: string }
  /** The records listed from `from` to `to` (not included), folded: see LIST_PAGE. */
  | { readonly kind: 'older'; readonly id: string; readonly from: number; readonly to: number }
  | { readonly kind: 'logs'; readonly id: string }
  | { readonly kind: 'log'; readonly id: string; readonly log: RequestLog; readonly index: number }
  | { readonly kind: 'detail'; readonly id: string; readonly item: vscode.TreeItem };

type OlderGroup = Extract<RequestNode, { kind: 'older' }>;

/** What the list shows while filtered: the filter, and how many records it shows of how many. */
export interface FilterSummary {
  readonly filter: RequestFilter;
  readonly shown: number;
  readonly total: number;
}

const ICONS: Record<RequestState, vscode.ThemeIcon> = {
  SUBMITTING: new vscode.ThemeIcon('loading~spin'),
  IN_QUEUE: new vscode.ThemeIcon('clock'),
  IN_PROGRESS: new vscode.ThemeIcon('loading~spin'),
  COMPLETED: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  CANCELLED: new vscode.ThemeIcon('circle-slash'),
};

/**
 * How many records the list shows at its top level; the older ones are folded into groups of as
 * many ("Older requests 501–1,000"). VS Code's extension host walks every sibling of a row each time
 * the row is refreshed (~0.5 µs each): with 10,000 records in one list, each status change cost ~5 ms.
 */
export const LIST_PAGE = 500;

/** How often queued items are redrawn, so their time in the queue stays current. */
export const QUEUE_REFRESH_MS = 5000;

/** The state as the tree's description says it, e.g. "queued 45 s · position 2, unchanged for 40 s". */
function stateText(record: RequestRecord, now: number): string {
  return describeQueueWait(record, now) ?? describeState(record);
}

export class RequestsTreeProvider implements vscode.TreeDataProvider<RequestNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RequestNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One node object per record, so a change refreshes just that item. */
  private readonly nodes = new Map<string, RequestNode>();
  /** The ids of the records in the store at the last listing. */
  private known = new Set<string>();
  /** The groups of older records by where they start (LIST_PAGE). */
  private readonly groups = new Map<number, OlderGroup>();
  private readonly subscriptions: vscode.Disposable[];
  /** Runs while some record is queued: redraws the queued items. */
  private queueTimer: ReturnType<typeof setInterval> | undefined;
  /**
   * Whether the view is on screen. A hidden view is not refreshed (each refresh is a message to the
   * window, ~1.6 ms of extension-host time on code-server); what changed meanwhile is refreshed as
   * it shows: these nodes, or everything.
   */
  private visible = true;
  private readonly changedWhileHidden = new Set<RequestNode>();
  private listChangedWhileHidden = false;
  /** The filter in force, if any, and the ids of the records it showed at the last listing. */
  private matcher: RequestMatcher | undefined;
  private readonly shown = new Set<string>();
  private summary: FilterSummary | undefined;
  private readonly summaryChanged = new vscode.EventEmitter<FilterSummary | undefined>();
  /** Fires when the filter or the count of records it shows changes; undefined once not filtered. */
  readonly onDidChangeSummary = this.summaryChanged.event;

  constructor(
    private readonly store: RequestStore,
    private readonly prices?: EndpointPriceSource,
  ) {
    this.subscriptions = [
      store.onDidChange((record) => {
        const node = record && this.nodes.get(record.id);
        // A record entering or leaving the filter changes the list, not just its row; a record the
        // last listing did not have is new. One listed only inside a folded group nobody opened
        // has no row to redraw.
        if (!record || (this.matcher && this.matcher.matches(record) !== this.shown.has(record.id)))
          this.refresh(undefined);
        else if (node) this.refresh(node);
        else if (!this.known.has(record.id)) this.refresh(undefined);
        // A queued record starts the redraw; the redraw itself stops once none is queued.
        if (!record || (record.state === 'IN_QUEUE' && !this.queueTimer)) this.watchQueue();
      }),
    ];
    if (prices) this.subscriptions.push(prices.onDidLearnPrice(() => this.refresh(undefined)));
    this.watchQueue();
  }

  /** The filter in force, if any. */
  get filter(): RequestFilter | undefined {
    return this.matcher?.filter;
  }

  /** What the filtered list shows (undefined when not filtered), as of the last listing. */
  get filterSummary(): FilterSummary | undefined {
    return this.summary;
  }

  /** Shows only the records `filter` keeps; undefined (or an empty filter) shows them all. */
  setFilter(filter: RequestFilter | undefined): void {
    this.matcher = isFilterSet(filter) ? new RequestMatcher(filter) : undefined;
    this.shown.clear();
    this.refresh(undefined);
    // Told now, before the view lists again, so the title and the context key follow at once.
    this.tellSummary(this.summaryOf(this.listed()));
  }

  /** What the filtered list shows, given what it lists; undefined when not filtered. */
  private summaryOf(listed: readonly RequestRecord[]): FilterSummary | undefined {
    const matcher = this.matcher;
    return matcher && { filter: matcher.filter, shown: listed.length, total: this.store.all().length };
  }

  private tellSummary(next: FilterSummary | undefined): void {
    const before = this.summary;
    if (before?.filter === next?.filter && before?.shown === next?.shown && before?.total === next?.total)
      return;
    this.summary = next;
    this.summaryChanged.fire(next);
  }

  /** Starts the refresh while a record is queued, stops it once none is. */
  private watchQueue(): void {
    const queued = this.store.all().some((r) => r.state === 'IN_QUEUE');
    if (queued && !this.queueTimer) {
      this.queueTimer = setInterval(() => this.refreshQueued(), QUEUE_REFRESH_MS);
    } else if (!queued && this.queueTimer) {
      clearInterval(this.queueTimer);
      this.queueTimer = undefined;
    }
  }

  /** Whether the view is on screen, as it last told. */
  get isVisible(): boolean {
    return this.visible;
  }

  /** Told by the view as it shows and hides; what changed while it was hidden is redrawn as it shows. */
  setVisible(visible: boolean): void {
    const shows = visible && !this.visible;
    this.visible = visible;
    if (!shows) return;
    const wholeList = this.listChangedWhileHidden;
    this.listChangedWhileHidden = false;
    if (wholeList) this.changed.fire(undefined);
    else for (const node of this.changedWhileHidden) this.changed.fire(node);
    this.changedWhileHidden.clear();
    // The queued rows' times, unless the whole list is drawn again anyway.
    if (!wholeList) this.refreshQueued();
  }

  /** Refreshes `node` (the whole list when undefined) now, or as the view shows when it is hidden. */
  private refresh(node: RequestNode | undefined): void {
    if (this.visible) this.changed.fire(node);
    else if (!node) this.listChangedWhileHidden = true;
    else if (!this.listChangedWhileHidden) this.changedWhileHidden.add(node);
  }

  private refreshQueued(): void {
    if (!this.visible) return this.watchQueue();
    for (const record of this.store.all()) {
      const node = record.state === 'IN_QUEUE' ? this.nodes.get(record.id) : undefined;
      if (node) this.changed.fire(node);
    }
    this.watchQueue();
  }

  /** The estimated cost of a completed call, once its endpoint's price is known (asked for on first look). */
  private costOf(record: RequestRecord): CallCost | undefined {
    if (!this.prices || record.state !== 'COMPLETED' || record.error) return undefined;
    const price = this.prices.cached(record.target, record.endpointId);
    if (!price) {
      void this.prices.price(record.target, record.endpointId);
      return undefined;
    }
    return estimateCallCost(price, record.output);
  }

  /** The tree node of a record, for `reveal`. */
  nodeOf(id: string): RequestNode {
    let node = this.nodes.get(id);
    if (!node) this.nodes.set(id, (node = { kind: 'request', id }));
    return node;
  }

  getChildren(node?: RequestNode): RequestNode[] {
    if (!node) {
      const ids = new Set(this.store.all().map((r) => r.id));
      for (const id of this.nodes.keys()) if (!ids.has(id)) this.nodes.delete(id);
      this.known = ids;
      const listed = this.listed();
      const matcher = this.matcher;
      if (matcher) {
        this.shown.clear();
        for (const r of listed) this.shown.add(r.id);
        this.tellSummary(this.summaryOf(listed));
      }
      const top: RequestNode[] = listed.slice(0, LIST_PAGE).map((r) => this.nodeOf(r.id));
      for (let from = LIST_PAGE; from < listed.length; from += LIST_PAGE) {
        top.push(this.olderGroup(from, listed.length));
      }
      return top;
    }
    if (node.kind === 'older')
      return this.listed()
        .slice(node.from, node.to)
        .map((r) => this.nodeOf(r.id));
    const record = this.store.get(node.id);
    if (!record) return [];
    if (node.kind === 'logs')
      return record.logs.map((log, index) => ({ kind: 'log', id: record.id, log, index }));
    if (node.kind !== 'request') return [];
    return this.detailsOf(record);
  }

  /** The records the list shows, newest first: all of them, or those the filter keeps. */
  private listed(): readonly RequestRecord[] {
    const matcher = this.matcher;
    return matcher ? this.store.all().filter((r) => matcher.matches(r)) : this.store.all();
  }

  /** The group of older records starting at `from` of a list of `length` (one node per start, so VS Code keeps it open). */
  private olderGroup(from: number, length: number): OlderGroup {
    const to = Math.min(from + LIST_PAGE, length);
    let group = this.groups.get(from);
    if (!group || group.to !== to) {
      group = { kind: 'older', id: `older:${from}`, from, to };
      this.groups.set(from, group);
    }
    return group;
  }

  getParent(node: RequestNode): RequestNode | undefined {
    if (node.kind === 'request') {
      const listed = this.listed();
      const at = listed.findIndex((r) => r.id === node.id);
      return at < LIST_PAGE ? undefined : this.olderGroup(at - (at % LIST_PAGE), listed.length);
    }
    return node.kind === 'older'
      ? undefined
      : node.kind === 'log'
        ? { kind: 'logs', id: node.id }
        : this.nodeOf(node.id);
  }

  getTreeItem(node: RequestNode): vscode.TreeItem {
    if (node.kind === 'older') {
      const item = new vscode.TreeItem('Older requests', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.description = `${(node.from + 1).toLocaleString('en-US')}–${node.to.toLocaleString('en-US')}`;
      item.iconPath = new vscode.ThemeIcon('history');
      item.contextValue = 'falOlderRequests';
      return item;
    }
    const record = this.store.get(node.id);
    if (!record) return new vscode.TreeItem('(removed)');
    switch (node.kind) {
      case 'request':
        return this.requestItem(record);
      case 'logs': {
        const item = new vscode.TreeItem(
          `Logs (${describeLogCount(record)})`,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.iconPath = new vscode.ThemeIcon('list-unordered');
        item.id = `${record.id}/logs`;
        return item;
      }
      case 'log': {
        const item = new vscode.TreeItem(node.log.message);
        item.description = `${node.log.level} ${node.log.timestamp ?? ''}`.trim();
        item.tooltip = `${node.log.level} ${node.log.timestamp ?? ''}\n${node.log.message}`;
        item.id = `${record.id}/log/${node.index}`;
        return item;
      }
      case 'detail':
        return node.item;
    }
  }

  private requestItem(record: RequestRecord): vscode.TreeItem {
    // The state and its time first, so a narrow side bar still shows them; the call after it.
    const state = stateText(record, Date.now());
    const item = new vscode.TreeItem(state, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = record.id;
    item.description = `${record.method} ${record.endpointId}`;
    item.accessibilityInformation = { label: `${record.method} ${record.endpointId}: ${state}` };
    item.iconPath = ICONS[record.state];
    item.contextValue = `falRequest.${record.state}.${record.method}`;
    const cost = this.costOf(record);
    const lines = [
      `${record.method} ${record.endpointId}`,
      `State: ${state}`,
      record.requestId ? `Request ID: ${record.requestId}` : undefined,
      `Target: ${record.target.kind === 'fal.ai' ? 'fal.ai' : `${record.target.kind} ${record.target.url}`}`,
      `Created: ${new Date(record.createdAt).toLocaleString()}`,
      record.error ? `Error: ${describeError(record.error)}` : undefined,
      cost ? `Estimated cost: ${cost.text}` : undefined,
    ];
    // Tooltips are plain strings, which VS Code shows as text whatever they hold (server text among
    // it), never as Markdown or HTML; a MarkdownString would show the same, but the extension host
    // parses each Markdown tooltip it sends: ~0.3 ms a row, seconds for 10,000 rows.
    item.tooltip = lines.filter(Boolean).join('\n');
    if (record.state === 'COMPLETED' || record.state === 'FAILED') {
      item.command = {
        command: 'fal.openResult',
        title: 'Open Result',
        arguments: [this.nodeOf(record.id)],
      };
    }
    return item;
  }

  private detailsOf(record: RequestRecord): RequestNode[] {
    const details: RequestNode[] = [];
    const detail = (
      key: string,
      label: string,
      description: string,
      icon: string,
      command?: vscode.Command,
    ) => {
      const item = new vscode.TreeItem(label);
      item.id = `${record.id}/${key}`;
      item.description = description;
      item.iconPath = new vscode.ThemeIcon(icon);
      item.tooltip = `${label}: ${description}`;
      item.command = command;
      details.push({ kind: 'detail', id: record.id, item });
    };
    if (record.requestId) detail('request-id', 'Request ID', record.requestId, 'symbol-key');
    if (record.queuePosition !== undefined)
      detail('position', 'Queue position', String(record.queuePosition), 'list-ordered');
    const inference = record.metrics?.inference_time;
    if (typeof inference === 'number')
      detail('metrics', 'Inference time', `${inference.toFixed(3)} s`, 'dashboard');
    if (record.error) detail('error', 'Error', describeError(record.error), 'error');
    const cost = this.costOf(record);
    if (cost) detail('cost', 'Estimated cost', cost.text, 'credit-card');
    detail('input', 'Input', 'input.json', 'json', {
      command: 'vscode.open',
      title: 'Open Input',
      arguments: [requestDocumentUri(record, 'input')],
    });
    if (
      record.output !== undefined ||
      record.outputFile ||
      record.outputDropped ||
      record.state === 'COMPLETED'
    ) {
      detail('output', 'Output', 'output.json', 'output', {
        command: 'vscode.open',
        title: 'Open Output',
        arguments: [requestDocumentUri(record, 'output')],
      });
    }
    if (record.method === 'submit' || record.method === 'subscribe' || record.logs.length > 0) {
      details.push({ kind: 'logs', id: record.id });
    }
    return details;
  }

  dispose(): void {
    if (this.queueTimer) clearInterval(this.queueTimer);
    this.queueTimer = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.summaryChanged.dispose();
  }
}
