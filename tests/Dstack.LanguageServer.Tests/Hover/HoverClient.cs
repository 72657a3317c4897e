using System.Text.Json;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Hover;

/// <summary>Opens a marked document in a fresh server and asks for hovers at its cursors.</summary>
internal static class HoverClient
{
    public const string Uri = "file:///work/project/train.dstack.yml";

    /// <summary>The hover result at each cursor of <paramref name="marked"/> (null where the server answers null).</summary>
    public static async Task<IReadOnlyList<JsonElement?>> AllAsync(string marked, string uri = Uri)
    {
        var text = MarkedText.Parse(marked);
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(uri, text.Text));
        var results = new List<JsonElement?>();
        foreach (var (line, character) in text.Cursors)
        {
            var result = await client.ResultAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line, character } });
            results.Add(result.ValueKind == JsonValueKind.Null ? null : result.Clone());
        }

        return results;
    }

    public static async Task<JsonElement?> AtAsync(string marked, string uri = Uri) => Assert.Single(await AllAsync(marked, uri));

    /// <summary>The markdown at the single cursor; fails when the result is null.</summary>
    public static async Task<string> MarkdownAsync(string marked)
    {
        var hover = await AtAsync(marked);
        Assert.True(hover.HasValue, "expected a hover, got null");
        var contents = hover.Value.GetProperty("contents");
        Assert.Equal("markdown", contents.GetProperty("kind").GetString());
        return contents.GetProperty("value").GetString()!;
    }
}
