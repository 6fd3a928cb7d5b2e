/**
 * A unified diff (`git diff --cached`) split into files and hunks, so a commit message prompt can keep whole hunks,
 * count what changed per file, and know which lines of the new (and old) file each hunk touched. Pure.
 */
import { redactSecretsCounted } from '../trust/secrets';

export type FileChangeKind = 'added' | 'deleted' | 'modified' | 'renamed' | 'binary';

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The whole hunk as it appears in the diff, `@@` header included. */
  text: string;
  /** 1-based line numbers in the new file of the added lines, and in the old file of the removed lines. */
  addedLines: number[];
  removedLines: number[];
}

export interface FileDiff {
  /** Path on the new side (the old side for a deletion), repository-relative, forward slashes. */
  path: string;
  oldPath: string;
  kind: FileChangeKind;
  /** `diff --git` header and the `---`/`+++`/mode/rename lines before the first hunk. */
  header: string;
  hunks: Hunk[];
  added: number;
  removed: number;
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function stripPrefix(p: string): string {
  const unquoted = p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1) : p;
  return unquoted.replace(/^[ab]\//, '');
}

/** Files of a unified diff in order; text before the first `diff --git` is ignored. */
export function parseUnifiedDiff(diff: string): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | undefined;
  let hunk: Hunk | undefined;
  let headerLines: string[] = [];
  let oldLine = 0;
  let newLine = 0;
  const finishHunk = () => {
    if (hunk && file) file.hunks.push(hunk);
    hunk = undefined;
  };
  const finishFile = () => {
    finishHunk();
    if (file) {
      file.header = headerLines.join('\n');
      files.push(file);
    }
    file = undefined;
    headerLines = [];
  };
  const lines = diff.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      finishFile();
      const m = /^diff --git (?:"?a\/(.+?)"?) (?:"?b\/(.+?)"?)$/.exec(line);
      const oldPath = m ? m[1] : '';
      const newPath = m ? m[2] : '';
      file = { path: newPath, oldPath, kind: oldPath !== newPath ? 'renamed' : 'modified', header: '', hunks: [], added: 0, removed: 0 };
      headerLines.push(line);
      continue;
    }
    if (!file) continue;
    const h = HUNK_RE.exec(line);
    if (h) {
      finishHunk();
      oldLine = Number(h[1]);
      newLine = Number(h[3]);
      hunk = { oldStart: oldLine, oldLines: h[2] === undefined ? 1 : Number(h[2]), newStart: newLine, newLines: h[4] === undefined ? 1 : Number(h[4]), text: line, addedLines: [], removedLines: [] };
      continue;
    }
    if (!hunk) {
      headerLines.push(line);
      if (line.startsWith('new file mode')) file.kind = 'added';
      else if (line.startsWith('deleted file mode')) file.kind = 'deleted';
      else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.kind = 'binary';
      else if (line.startsWith('--- ') && line !== '--- /dev/null') file.oldPath = stripPrefix(line.slice(4));
      else if (line.startsWith('+++ ') && line !== '+++ /dev/null') file.path = stripPrefix(line.slice(4));
      if (file.kind === 'deleted') file.path = file.oldPath;
      continue;
    }
    hunk.text += `\n${line}`;
    if (line.startsWith('+')) {
      hunk.addedLines.push(newLine++);
      file.added++;
    } else if (line.startsWith('-')) {
      hunk.removedLines.push(oldLine++);
      file.removed++;
    } else if (!line.startsWith('\\')) {
      oldLine++;
      newLine++;
    }
  }
  finishFile();
  return files;
}

/**
 * What of a staged diff may enter a prompt: files the workspace gate keeps out of prompts (secret-looking names,
 * exclusions, outside the workspace folders; `excluded` says why, judged on either path of a rename) keep their name
 * but lose their hunks; every other hunk has its inline secrets redacted. Returns the files, the excluded ones, and
 * how many secrets were removed.
 */
export function sanitizeDiff(files: readonly FileDiff[], excluded: (p: string) => string | undefined): { files: FileDiff[]; secretFiles: string[]; redacted: number } {
  const secretFiles: string[] = [];
  let redacted = 0;
  const out = files.map((f) => {
    const why = excluded(f.path) ?? (f.oldPath && f.oldPath !== f.path ? excluded(f.oldPath) : undefined);
    if (why) {
      secretFiles.push(f.path);
      return { ...f, header: `diff --git a/${f.oldPath} b/${f.path}\n(${why}: content not shown)`, hunks: [] };
    }
    return {
      ...f,
      hunks: f.hunks.map((h) => {
        const r = redactSecretsCounted(h.text);
        redacted += Object.values(r.found).reduce((a, b) => a + b, 0);
        return r.text === h.text ? h : { ...h, text: r.text };
      }),
    };
  });
  return { files: out, secretFiles, redacted };
}
