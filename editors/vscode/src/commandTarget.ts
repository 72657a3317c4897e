import * as vscode from 'vscode';

/** A command's target: a uri string (from a code lens), a Uri (from a menu), else the active editor's document. */
export function targetUri(target: unknown): vscode.Uri | undefined {
  if (typeof target === 'string' && target) {
    return vscode.Uri.parse(target);
  }
  if (target instanceof vscode.Uri) {
    return target;
  }
  return vscode.window.activeTextEditor?.document.uri;
}

/**
 * The file on disk a command works on, saved first (the CLI reads the disk, not the editor); undefined after telling
 * the user why there is none.
 */
export async function savedFile(target: unknown, what: string): Promise<vscode.Uri | undefined> {
  const file = targetUri(target);
  if (!file) {
    void vscode.window.showErrorMessage(`${what}: open a .dstack.yml file first.`);
    return undefined;
  }
  if (file.scheme !== 'file') {
    void vscode.window.showErrorMessage(`${what}: save ${file.path || 'the file'} to disk first; dstack reads files from disk.`);
    return undefined;
  }
  const document = vscode.workspace.textDocuments.find(d => d.uri.toString() === file.toString());
  if (document?.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage(`${what}: ${file.fsPath} could not be saved.`);
    return undefined;
  }
  return file;
}
