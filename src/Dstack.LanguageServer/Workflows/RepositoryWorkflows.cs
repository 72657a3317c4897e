using Dstack.LanguageServer.Documents;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;

namespace Dstack.LanguageServer.Workflows;

/// <summary>
/// The workflows of the repository a workflows file belongs to (<c>REPO/.dstack/workflows/*.yaml|yml</c>), read as the
/// editor shows them: an open buffer's text wins over the file on disk, and the document asked about wins over both.
/// Read afresh each time: another file of the folder may have changed since.
/// </summary>
public sealed class RepositoryWorkflows
{
    private readonly string _filePath;
    private readonly Lazy<WorkflowCatalog> _catalog;

    private RepositoryWorkflows(string filePath, string repoRoot, DocumentStore store, DocumentSnapshot? current)
    {
        _filePath = filePath;
        RepoRoot = repoRoot;
        _catalog = new Lazy<WorkflowCatalog>(() => WorkflowCatalog.Load(repoRoot, path => OpenText(path, store, current)));
    }

    /// <summary>The repository folder: the one that holds <c>.dstack</c>, where <c>dstack run NAME</c> runs.</summary>
    public string RepoRoot { get; }

    /// <summary>Every workflow of the repository, loaded on first use.</summary>
    public WorkflowCatalog Catalog => _catalog.Value;

    /// <summary>The workflows of <paramref name="document"/>'s repository; null when it is no <c>file:</c> workflows file.</summary>
    public static RepositoryWorkflows? Of(DocumentSnapshot document, DocumentStore store) =>
        DocumentUri.FilePath(document.Uri) is { } path ? Of(path, store, document) : null;

    /// <summary>The workflows of the repository of the file at <paramref name="filePath"/>; null when it is no workflows file.</summary>
    public static RepositoryWorkflows? Of(string filePath, DocumentStore store, DocumentSnapshot? current = null) =>
        WorkflowsFolder.RepoRootOf(filePath) is { } root ? new RepositoryWorkflows(Path.GetFullPath(filePath), root, store, current) : null;

    /// <summary>True when <paramref name="path"/> is the workflows file these were read for.</summary>
    public bool IsThisFile(string? path) => FullPath(path) == _filePath;

    /// <summary>What no file can say alone (unknown workflows in <c>deps</c>, cycles), for this file only.</summary>
    public IReadOnlyList<Diagnostic> Problems() => [.. Catalog.CheckDependencies().Where(d => IsThisFile(d.Path))];

    /// <summary>The workflows this file defines, in order.</summary>
    public IReadOnlyList<WorkflowEntry> OwnWorkflows() => [.. Catalog.Workflows.Where(w => IsThisFile(w.Document.Path))];

    private static string? OpenText(string path, DocumentStore store, DocumentSnapshot? current)
    {
        var full = FullPath(path);
        if (current is not null && FullPath(DocumentUri.FilePath(current.Uri)) == full)
        {
            return current.Text;
        }

        return store.All.FirstOrDefault(d => FullPath(DocumentUri.FilePath(d.Uri)) == full)?.Text;
    }

    /// <summary>The full form of <paramref name="path"/>, or null for none, or one this machine cannot have.</summary>
    private static string? FullPath(string? path)
    {
        try
        {
            return path is null ? null : Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }
}
