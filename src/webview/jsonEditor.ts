// The playground's JSON input: a CodeMirror 6 editor with lang-json, bracket matching, folding,
// history, and — against the endpoint's input schema, when there is one — inline errors at their
// JSON path (schemaLint), completion (schemaCompletion) and a hover (schemaHover). Colours come only
// from VS Code's theme variables, so it follows light, dark and high-contrast themes. CodeMirror's
// styles go in <style> elements carrying the page's CSP nonce (EditorView.cspNonce). Mod-Enter is
// taken out of the keymaps: Call is the extension's keybinding, and the key must reach it untouched.
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import {
  bracketMatching,
  foldGutter,
  foldKeymap,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter, linter, lintKeymap } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  type KeyBinding,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { JsonSchema } from './jsonSchemaPaths';
import { schemaCompletion } from './schemaCompletion';
import { schemaHover } from './schemaHover';
import { schemaDiagnostics } from './schemaLint';

export interface JsonEditor {
  getText(): string;
  /** Replaces the whole text (not reported to onChange: only the user's edits are). */
  setText(text: string): void;
  /** Called after every edit the user makes. */
  onChange(listener: (text: string) => void): void;
  /** The input schema to check, complete and describe against; undefined for none. */
  setSchema(schema: JsonSchema | undefined): void;
  focus(): void;
}

export interface JsonEditorOptions {
  /** The accessible name of the editor. */
  readonly label: string;
  /** The page's CSP nonce, for the <style> elements CodeMirror adds. */
  readonly nonce: string;
  /** Attributes of the editable element (e.g. its id). */
  readonly attributes?: Record<string, string>;
}

const v = (name: string) => `var(--vscode-${name})`;

const theme = EditorView.theme({
  '&': {
    color: v('editor-foreground'),
    backgroundColor: v('editor-background'),
    border: `1px solid ${v('input-border, transparent')}`,
    fontFamily: v('editor-font-family'),
    fontSize: v('editor-font-size'),
    minHeight: '12em',
  },
  '&.cm-focused': { outline: `1px solid ${v('focusBorder')}`, outlineOffset: '-1px' },
  '.cm-scroller': { fontFamily: v('editor-font-family'), minHeight: '12em', maxHeight: '60vh' },
  '.cm-content': { caretColor: v('editorCursor-foreground') },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: v('editorCursor-foreground') },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
    { backgroundColor: v('editor-selectionBackground') },
  '.cm-activeLine': { backgroundColor: v('editor-lineHighlightBackground, transparent') },
  '.cm-gutters': {
    backgroundColor: v('editorGutter-background, var(--vscode-editor-background)'),
    color: v('editorLineNumber-foreground'),
    border: 'none',
  },
  '.cm-activeLineGutter': { color: v('editorLineNumber-activeForeground'), backgroundColor: 'transparent' },
  '&.cm-focused .cm-matchingBracket': {
    backgroundColor: v('editorBracketMatch-background'),
    outline: `1px solid ${v('editorBracketMatch-border')}`,
  },
  '&.cm-focused .cm-nonmatchingBracket': { color: v('errorForeground') },
  '.cm-foldPlaceholder': {
    backgroundColor: v('editor-foldBackground, transparent'),
    color: v('editor-foreground'),
    border: `1px solid ${v('widget-border, transparent')}`,
  },
  '.cm-tooltip': {
    backgroundColor: v('editorHoverWidget-background'),
    color: v('editorHoverWidget-foreground'),
    border: `1px solid ${v('editorHoverWidget-border')}`,
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: v('editorSuggestWidget-selectedBackground'),
    color: v('editorSuggestWidget-selectedForeground'),
  },
  '.cm-tooltip.cm-completionInfo, .cm-schema-hover': { maxWidth: '40em', whiteSpace: 'pre-wrap' },
  '.cm-schema-hover': { padding: '4px 8px' },
  '.cm-schema-hover-title': { fontWeight: 'bold' },
  '.cm-diagnostic-error': { borderLeftColor: v('editorError-foreground') },
  '.cm-diagnostic-warning': { borderLeftColor: v('editorWarning-foreground') },
  '.cm-diagnostic-info': { borderLeftColor: v('editorInfo-foreground') },
  '.cm-lintRange-error': {
    textDecoration: `underline wavy ${v('editorError-foreground')}`,
    backgroundImage: 'none',
  },
  '.cm-lintRange-warning': {
    textDecoration: `underline wavy ${v('editorWarning-foreground')}`,
    backgroundImage: 'none',
  },
  '.cm-lintRange-info': {
    textDecoration: `underline dotted ${v('editorInfo-foreground')}`,
    backgroundImage: 'none',
  },
});

const highlight = HighlightStyle.define([
  {
    tag: tags.propertyName,
    color: v('symbolIcon-propertyForeground, var(--vscode-debugTokenExpression-name)'),
  },
  { tag: tags.string, color: v('debugTokenExpression-string') },
  { tag: tags.number, color: v('debugTokenExpression-number') },
  { tag: [tags.bool, tags.null], color: v('debugTokenExpression-boolean') },
  { tag: tags.invalid, color: v('debugTokenExpression-error') },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: v('editor-foreground') },
]);

/** Marks the text the page put in (setText), which onChange does not report. */
const replacedByPage = Annotation.define<boolean>();

/** Every binding of `bindings` but Mod-Enter (Call's keybinding belongs to VS Code). */
function withoutModEnter(bindings: readonly KeyBinding[]): KeyBinding[] {
  return bindings.filter((b) => b.key !== 'Mod-Enter' && b.mac !== 'Mod-Enter');
}

export function createJsonEditor(parent: HTMLElement, options: JsonEditorOptions): JsonEditor {
  let schema: JsonSchema | undefined;
  const listeners: Array<(text: string) => void> = [];
  const schemaOf = () => schema;
  const schemaChecks = new Compartment();
  const checksFor = (s: JsonSchema | undefined): Extension =>
    s ? linter((view) => schemaDiagnostics(view.state, s), { delay: 250 }) : [];

  const view = new EditorView({
    parent,
    state: EditorState.create({
      extensions: [
        EditorView.cspNonce.of(options.nonce),
        // Long values (an uploaded file's URL, a data URI) wrap instead of scrolling the text sideways.
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': options.label, ...options.attributes }),
        lineNumbers(),
        foldGutter(),
        lintGutter(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        json(),
        syntaxHighlighting(highlight),
        theme,
        autocompletion({ override: [schemaCompletion(schemaOf)] }),
        schemaHover(schemaOf),
        schemaChecks.of(checksFor(undefined)),
        keymap.of(
          withoutModEnter([
            ...defaultKeymap,
            ...historyKeymap,
            ...foldKeymap,
            ...completionKeymap,
            ...lintKeymap,
          ]),
        ),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged || update.transactions.some((t) => t.annotation(replacedByPage))) return;
          const text = update.state.doc.toString();
          for (const listener of listeners) listener(text);
        }),
      ],
    }),
  });

  return {
    getText: () => view.state.doc.toString(),
    setText: (text) => {
      if (text === view.state.doc.toString()) return;
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        annotations: replacedByPage.of(true),
      });
    },
    onChange: (listener) => void listeners.push(listener),
    setSchema: (next) => {
      schema = next;
      view.dispatch({ effects: schemaChecks.reconfigure(checksFor(next)) });
    },
    focus: () => view.focus(),
  };
}
