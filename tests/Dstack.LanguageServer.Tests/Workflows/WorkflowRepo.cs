using System.Text.Json;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Workflows;

/// <summary>A repository folder with <c>.dstack/workflows</c> files under the temp folder, deleted on dispose; and the client calls the workflow tests share.</summary>
internal sealed class WorkflowRepo : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("dstack-ls-workflows-").FullName;

    /// <summary>The full path of a workflows file, such as <c>a.yaml</c>.</summary>
    public string PathOf(string name) => Path.Combine(Root, ".dstack", "workflows", name);

    public string UriOf(string name) => new Uri(PathOf(name)).AbsoluteUri;

    /// <summary>Writes a workflows file on disk and returns its uri.</summary>
    public string Write(string name, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(name))!);
        File.WriteAllText(PathOf(name), text);
        return UriOf(name);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }

    public static Task OpenAsync(TestClient client, string uri, string text, int version = 1) =>
        client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "yaml", version, text } });

    public static Task ReplaceAsync(TestClient client, string uri, int version, string text) =>
        client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version }, contentChanges = new[] { new { text } } });

    /// <summary>The codes of the first published diagnostics of <paramref name="uri"/> that <paramref name="match"/> accepts.</summary>
    public static async Task<IReadOnlyList<JsonElement>> PublishedAsync(TestClient client, string uri, Func<IReadOnlyList<string>, bool> match, string what)
    {
        var message = await client.WaitForAsync(
            m => m.TryGetProperty("method", out var method) && method.GetString() == "textDocument/publishDiagnostics" &&
                m.GetProperty("params").GetProperty("uri").GetString() == uri && match(Codes(m.GetProperty("params").GetProperty("diagnostics"))),
            $"diagnostics of {uri}: {what}");
        return [.. message.GetProperty("params").GetProperty("diagnostics").EnumerateArray()];
    }

    public static IReadOnlyList<string> Codes(JsonElement diagnostics) => [.. diagnostics.EnumerateArray().Select(d => d.GetProperty("code").GetString()!)];

    public static object Range(int startLine, int startCharacter, int endLine, int endCharacter) =>
        new { start = new { line = startLine, character = startCharacter }, end = new { line = endLine, character = endCharacter } };

    public static (int, int, int, int) RangeOf(JsonElement element)
    {
        var range = element.GetProperty("range");
        return (range.GetProperty("start").GetProperty("line").GetInt32(), range.GetProperty("start").GetProperty("character").GetInt32(),
            range.GetProperty("end").GetProperty("line").GetInt32(), range.GetProperty("end").GetProperty("character").GetInt32());
    }
}
