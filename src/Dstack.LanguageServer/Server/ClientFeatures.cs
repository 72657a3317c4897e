using System.Text.Json;

namespace Dstack.LanguageServer.Server;

/// <summary>What the client said in <c>initialize</c> it can do, among the things this server would use.</summary>
/// <param name="WorkDoneProgress">
/// <c>window.workDoneProgress</c>: the client shows progress under tokens that the server creates with
/// <c>window/workDoneProgress/create</c>.
/// </param>
/// <param name="PullDiagnostics">
/// <c>textDocument.diagnostic</c>: the client asks for diagnostics itself (<c>textDocument/diagnostic</c>). The server
/// then does not also push them: VS Code keeps pulled and pushed diagnostics apart and would show each problem twice.
/// </param>
/// <param name="WatchesFiles">
/// <c>workspace.didChangeWatchedFiles.dynamicRegistration</c>: the client reports changes on disk to the files the
/// server registers a watcher for (the workflows files, which check each other's <c>deps</c>).
/// </param>
/// <param name="RefreshesDiagnostics">
/// <c>workspace.diagnostics.refreshSupport</c>: a pulling client pulls again when the server sends
/// <c>workspace/diagnostic/refresh</c>, as it must after another file changed what a document's problems are.
/// </param>
/// <param name="RefreshesCodeLenses">
/// <c>workspace.codeLens.refreshSupport</c>: the client asks for code lenses again when the server sends
/// <c>workspace/codeLens/refresh</c>, as it must when a run of an open file publishes or loses its URL.
/// </param>
/// <param name="ShowsDocuments">
/// <c>window.showDocument.support</c>: the client opens a URI the server names (<c>window/showDocument</c>), in the
/// browser or the application that handles it when <c>external</c> is true.
/// </param>
/// <param name="CompletionEditRangeDefault">
/// <c>textDocument.completion.completionList.itemDefaults</c> lists <c>editRange</c>: the client reads one edit range
/// for the whole list, so the items need not repeat it.
/// </param>
/// <param name="CompletionResolvesDocumentation">
/// <c>textDocument.completion.completionItem.resolveSupport.properties</c> lists <c>documentation</c>: the client asks
/// for an item's documentation (<c>completionItem/resolve</c>) when it shows it, so the list can leave it out.
/// </param>
public sealed record ClientFeatures(bool WorkDoneProgress, bool PullDiagnostics = false, bool WatchesFiles = false, bool RefreshesDiagnostics = false, bool RefreshesCodeLenses = false, bool ShowsDocuments = false, bool CompletionEditRangeDefault = false, bool CompletionResolvesDocumentation = false)
{
    /// <summary>Before <c>initialize</c>, or for a client that declared nothing.</summary>
    public static ClientFeatures None { get; } = new(WorkDoneProgress: false);

    /// <summary>Reads the <c>capabilities</c> of <c>initialize</c>; anything missing or of another type counts as not supported.</summary>
    public static ClientFeatures From(JsonElement? capabilities) => new(
        WorkDoneProgress: IsTrue(capabilities, "window", "workDoneProgress"),
        PullDiagnostics: IsObject(capabilities, "textDocument", "diagnostic"),
        WatchesFiles: IsTrue(capabilities, "workspace", "didChangeWatchedFiles", "dynamicRegistration"),
        RefreshesDiagnostics: IsTrue(capabilities, "workspace", "diagnostics", "refreshSupport"),
        RefreshesCodeLenses: IsTrue(capabilities, "workspace", "codeLens", "refreshSupport"),
        ShowsDocuments: IsTrue(capabilities, "window", "showDocument", "support"),
        CompletionEditRangeDefault: Lists(capabilities, "editRange", "textDocument", "completion", "completionList", "itemDefaults"),
        CompletionResolvesDocumentation: Lists(capabilities, "documentation", "textDocument", "completion", "completionItem", "resolveSupport", "properties"));

    private static bool Lists(JsonElement? root, string value, params string[] path) =>
        Find(root, path) is { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.ValueEquals(value));

    private static bool IsObject(JsonElement? root, params string[] path) =>
        Find(root, path) is { ValueKind: JsonValueKind.Object };

    private static bool IsTrue(JsonElement? root, params string[] path) =>
        Find(root, path) is { ValueKind: JsonValueKind.True };

    private static JsonElement? Find(JsonElement? root, string[] path)
    {
        if (root is not { } element)
        {
            return null;
        }

        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element;
    }
}
