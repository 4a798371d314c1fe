// The panels' stylesheet, adopted once as a constructed sheet (dom.ts). Only
// layout and legibility: everything the shell's style.css sets wins where it
// is more specific. Phone first (390 px wide): controls stack, rows wrap,
// touch targets are at least 44 px high; state is never shown by colour alone.
export const PANEL_CSS = `
.rm-panel { display: flex; flex-direction: column; gap: 0.75rem; max-width: 48rem; min-width: 0; }
.rm-panel h2 { margin: 0; font-size: 1.25rem; }
.rm-panel h3 { margin: 0.5rem 0 0; font-size: 1.05rem; }
.rm-panel form, .rm-panel fieldset { display: flex; flex-direction: column; gap: 0.5rem; margin: 0; min-width: 0; }
.rm-panel fieldset { border: 1px solid currentColor; border-radius: 0.4rem; padding: 0.5rem 0.75rem; }
.rm-manage { display: flex; flex-direction: column; gap: 0.5rem; margin-top: 0.5rem; }
.rm-field { display: flex; flex-direction: column; gap: 0.2rem; min-width: 0; }
.rm-check { display: flex; align-items: center; gap: 0.5rem; min-height: 2.75rem; }
.rm-panel input[type=text], .rm-panel input:not([type]), .rm-panel textarea, .rm-panel select {
  box-sizing: border-box; width: 100%; min-height: 2.75rem; font: inherit; padding: 0.4rem; }
.rm-panel button { min-height: 2.75rem; min-width: 2.75rem; font: inherit; padding: 0.3rem 0.8rem; cursor: pointer; }
.rm-panel button:disabled { cursor: not-allowed; opacity: 0.6; }
.rm-panel button[aria-busy=true] { cursor: progress; opacity: 0.7; }
.rm-panel :focus-visible { outline: 3px solid; outline-offset: 2px; }
.rm-row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.rm-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.5rem; }
.rm-item { border: 1px solid currentColor; border-radius: 0.4rem; padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
.rm-alert:empty, .rm-status:empty { display: none; }
.rm-alert { font-weight: bold; margin: 0; }
.rm-alert::before { content: "⚠ "; }
.rm-hint, .rm-meta { opacity: 0.8; font-size: 0.9em; }
.rm-id { font-family: monospace; overflow-wrap: anywhere; }
.rm-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.25rem 0; }
.rm-avatar { width: 64px; height: 64px; object-fit: cover; border-radius: 50%; }
.rm-digits { font-family: monospace; font-size: 1.1rem; line-height: 1.6; margin: 0; white-space: pre; }
.rm-panel figure { margin: 0; }
.rm-panel [hidden] { display: none !important; }
.rm-sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 0.75rem; }
.rm-verdict { font-weight: bold; margin: 0; }
`
