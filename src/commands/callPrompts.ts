// The two questions every call command asks from the palette: which endpoint (recent ones and the
// target's catalogue offered, any valid id accepted) and which JSON input (the last one sent to that
// endpoint offered; malformed JSON is refused in the box, with where and why, so nothing typed is lost).
import * as vscode from 'vscode';
import type { Connection } from '../connection/falConnection';
import { checkEndpointId } from '../common/endpointId';
import type { RequestStore } from '../requests/requestStore';
import { checkJsonInput } from '../common/callForm';

interface EndpointItem extends vscode.QuickPickItem {
  readonly endpointId: string;
}

export async function pickEndpoint(
  title: string,
  store: RequestStore,
  connecting: Promise<Connection>,
): Promise<string | undefined> {
  const recent = [...new Set(store.all().map((r) => r.endpointId))];
  const pick = vscode.window.createQuickPick<EndpointItem>();
  pick.title = title;
  pick.placeholder = 'Endpoint id, e.g. fal-ai/flux/dev (type any id, or pick one)';
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  const fixed: EndpointItem[] = [];
  if (recent.length) fixed.push(separator('recent'), ...recent.map((id) => ({ label: id, endpointId: id })));
  const refresh = () => {
    const typed = pick.value.trim();
    const own: EndpointItem[] =
      typed && !fixed.some((i) => i.endpointId === typed)
        ? [
            {
              label: typed,
              endpointId: typed,
              description: checkEndpointId(typed) ?? 'use this id',
              alwaysShow: true,
            },
          ]
        : [];
    pick.items = [...own, ...fixed];
  };
  pick.onDidChangeValue(refresh);
  refresh();
  pick.busy = true;
  // The pick is shown at once; the catalogue fills it once the connection (the embedded sandbox
  // may take a second to start) answers. Without a connection the pick closes (the caller says why).
  let connection: Connection | undefined;
  connecting
    .then(
      (ready) => {
        connection = ready;
        return ready.client.models.search('', { limit: 50 });
      },
      (error: unknown) => {
        pick.hide();
        throw error;
      },
    )
    .then((page) => {
      const catalogue = page.models
        .filter((m) => !recent.includes(m.endpoint_id))
        .map((m) => ({
          label: m.endpoint_id,
          endpointId: m.endpoint_id,
          description: m.metadata?.display_name,
        }));
      if (catalogue.length && connection) fixed.push(separator(connection.description), ...catalogue);
      refresh();
    })
    .catch(() => {
      // The catalogue is a convenience: any id can still be typed.
    })
    .finally(() => (pick.busy = false));

  return new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => {
      // The typed id when no item, or no endpoint's item, is selected: the catalogue can replace the
      // items as Enter is pressed, and VS Code then reports the item at the old one's place, which
      // may be a separator.
      const chosen = pick.selectedItems[0]?.endpointId || pick.value.trim();
      const problem = checkEndpointId(chosen);
      if (problem) {
        pick.title = `${title}: ${problem}`;
        return;
      }
      resolve(chosen.trim());
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

function separator(label: string): EndpointItem {
  return { label, kind: vscode.QuickPickItemKind.Separator, endpointId: '' };
}

/** Asks for the JSON input, offering the last one sent to this endpoint. */
export async function promptJsonInput(
  title: string,
  endpointId: string,
  store: RequestStore,
): Promise<Record<string, unknown> | undefined> {
  const last = store.all().find((r) => r.endpointId === endpointId)?.input;
  const text = await vscode.window.showInputBox({
    title,
    prompt: `JSON input for ${endpointId}`,
    value: last === undefined ? '{}' : JSON.stringify(last),
    ignoreFocusOut: true,
    validateInput: checkJsonInput,
  });
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}
