// The playground's endpoint picker: a combobox over the target's catalogue. Typing searches the
// display name, id, category, tags and description (catalogueSearch.ts, shared with its tests); recent
// ids come first; any valid id can be typed and kept. Each option shows the thumbnail, the name, the id
// and the category, all server text set as text. Keyboard as in VS Code's quick pick: arrows move,
// Enter chooses, Escape closes.
// The box is a native <input role="combobox"> styled like VS Code's text fields: the ARIA relations a
// combobox needs (aria-controls, aria-activedescendant) cannot reach into a custom element's shadow
// root, so a vscode-textfield could not tell a screen reader which option is active.
import { searchCatalogue, type CatalogueEntry, type PickerItem } from '../common/catalogueSearch';

export interface EndpointPicker {
  /** The text box (its value is the endpoint id). */
  readonly input: HTMLInputElement;
  /** The catalogue to search and the ids used lately (newest first). */
  setChoices(catalogue: readonly CatalogueEntry[], recent: readonly string[]): void;
  /** Whether the list of options is open. */
  readonly open: boolean;
}

const SOURCE_LABEL: Record<PickerItem['source'], string> = {
  recent: 'recent',
  catalogue: '',
  typed: 'as typed',
};

/**
 * Builds the picker inside `container` (the box, then its list). A choice puts its id in the box and
 * fires the box's `input` event, as typing does: the page has one path for every change of the id.
 */
export function mountEndpointPicker(container: HTMLElement): EndpointPicker {
  const input = document.createElement('input');
  Object.assign(input, {
    id: 'endpoint',
    type: 'text',
    spellcheck: false,
    autocomplete: 'off',
    placeholder: 'Search, or type an id: owner/app[/path], e.g. fal-ai/flux/dev',
  });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', 'endpoint-options');
  input.setAttribute('aria-label', 'Endpoint');
  const list = document.createElement('ul');
  list.id = 'endpoint-options';
  list.className = 'picker-options';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Endpoints');
  list.hidden = true;
  container.append(input, list);

  let catalogue: readonly CatalogueEntry[] = [];
  let recent: readonly string[] = [];
  let items: PickerItem[] = [];
  let active = -1;
  /** True while a choice puts its id in the box: that `input` event is not typing. */
  let choosing = false;

  const render = () => {
    // The id already in the box shows every choice; what is typed narrows them.
    const current = input.value.trim();
    const query = catalogue.some((e) => e.endpointId === current) ? '' : input.value;
    items = searchCatalogue(query, catalogue, recent);
    list.replaceChildren(...items.map(option));
    // What is typed makes the first match the one Enter takes; an id already chosen (or nothing typed)
    // marks that id, or none, so Enter alone never swaps the endpoint for another.
    active = query.trim() ? (items.length ? 0 : -1) : items.findIndex((i) => i.endpointId === current);
    markActive();
  };

  const option = (item: PickerItem, index: number): HTMLLIElement => {
    const li = document.createElement('li');
    li.id = `endpoint-option-${index}`;
    li.setAttribute('role', 'option');
    li.dataset.endpointId = item.endpointId;
    const thumb = document.createElement('span');
    thumb.className = 'thumb';
    if (item.thumbnailUrl && /^(https?:|data:image\/)/.test(item.thumbnailUrl)) {
      const img = document.createElement('img');
      img.src = item.thumbnailUrl;
      img.alt = '';
      img.loading = 'lazy';
      thumb.append(img);
    }
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = item.displayName ?? item.endpointId;
    const id = document.createElement('span');
    id.className = 'id';
    id.textContent = item.endpointId;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = [SOURCE_LABEL[item.source], item.category].filter(Boolean).join(' · ');
    const text = document.createElement('span');
    text.className = 'text';
    text.append(name, id);
    if (item.description) {
      const description = document.createElement('span');
      description.className = 'description';
      description.textContent = item.description;
      text.append(description);
    }
    li.append(thumb, text, meta);
    // mousedown, not click: the box keeps the focus, so the list does not close before the choice.
    li.addEventListener('mousedown', (event) => {
      event.preventDefault();
      choose(index);
    });
    return li;
  };

  const markActive = () => {
    for (const [i, li] of Array.from(list.children).entries())
      li.setAttribute('aria-selected', String(i === active));
    const current = list.children[active] as HTMLElement | undefined;
    if (current) {
      input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  const show = (open: boolean) => {
    list.hidden = !open || items.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (list.hidden) input.removeAttribute('aria-activedescendant');
  };

  const choose = (index: number) => {
    const item = items[index];
    if (!item) return;
    input.value = item.endpointId;
    show(false);
    choosing = true;
    try {
      input.dispatchEvent(new Event('input', { bubbles: true }));
    } finally {
      choosing = false;
    }
  };

  input.addEventListener('input', () => {
    if (choosing || document.activeElement !== input) return;
    render();
    show(true);
  });
  input.addEventListener('focus', () => {
    render();
    show(true);
  });
  input.addEventListener('blur', () => show(false));
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault();
        if (!open) {
          render();
          show(true);
          return;
        }
        if (active < 0) active = event.key === 'ArrowDown' ? 0 : items.length - 1;
        else active = (active + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
        markActive();
        return;
      case 'Enter':
        // Ctrl/Cmd+Enter is Call (VS Code's keybinding): it leaves the box as it is.
        if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        return;
      case 'Escape':
        if (open) {
          event.preventDefault();
          event.stopPropagation();
          show(false);
        }
        return;
    }
  });

  return {
    input,
    setChoices(nextCatalogue, nextRecent) {
      catalogue = nextCatalogue;
      recent = nextRecent;
      // Choices that come while the box is being typed in (the catalogue arrives late) show at once.
      if (document.activeElement === input) {
        render();
        show(true);
      }
    },
    get open() {
      return !list.hidden;
    },
  };
}
