using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary>didOpen, didChange (incremental and full) and didClose over the wire: the server's text follows the editor's.</summary>
[Trait("Category", "Fast")]
public sealed class DocumentSyncTests
{
    private const string Uri = "file:///work/project/%C3%A9t%C3%A9.dstack.yml";
    private const string Path = "/work/project/été.dstack.yml";

    [Fact]
    public async Task IncrementalChanges_MultiLineAndNonAscii_KeepTheServersTextInStep()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(Uri, "type: task\nname: \"😀 run\"\ncommands:\n  - echo été\n"));
        await client.DiagnosticsAsync(Uri, 1);

        // One notification, three changes, each against the text the previous one left (as editors send them).
        await client.NotifyAsync("textDocument/didChange", DiagnosticsTests.Change(
            Uri,
            2,
            (1, 9, 1, 13, "_train"),          // after `name: "😀` (😀 is two UTF-16 code units): ` run` -> `_train`
            (3, 9, 3, 12, "日本 😀"),          // `été` -> `日本 😀`
            (2, 9, 3, 0, " [\"a\", \"b\"]\nenv:\n  - A=1\nx:\n"))); // a multi-line replacement across a line break
        var published = await client.DiagnosticsAsync(Uri, 2);

        const string expected = "type: task\nname: \"😀_train\"\ncommands: [\"a\", \"b\"]\nenv:\n  - A=1\nx:\n  - echo 日本 😀\n";
        Assert.Equal(expected, client.Server.Documents.Find(Uri)!.Text);
        Assert.Equal(2, client.Server.Documents.Find(Uri)!.Version);
        Assert.Equal(ExpectedDiagnostic.FromValidator(Path, expected), ExpectedDiagnostic.FromLsp(published.GetProperty("diagnostics")));
    }

    [Fact]
    public async Task FullChange_ReplacesTheText()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(Uri, "type: task\ncommands: [echo]\n"));
        await client.DiagnosticsAsync(Uri, 1);

        await client.NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri = Uri, version = 5 },
            contentChanges = new[] { new { text = "type: task\nresources:\n  memory: 80GB..40GB\n" } },
        });
        var published = await client.DiagnosticsAsync(Uri, 5);

        Assert.Equal("type: task\nresources:\n  memory: 80GB..40GB\n", client.Server.Documents.Find(Uri)!.Text);
        Assert.Contains(ExpectedDiagnostic.FromLsp(published.GetProperty("diagnostics")), d => d.Code == "DSTK2003");
    }

    [Fact]
    public async Task ManyEdits_PublishedVersionsRiseAndEndWithTheLatestEachWithItsOwnDiagnostics()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(Uri, "type: task\ncommands: [echo]\nspot_policy: auto\n"));

        for (var version = 2; version <= 41; version++)
        {
            // Even versions make the value invalid (`autox`), odd ones restore it, as a person typing and deleting.
            var change = version % 2 == 0 ? (2, 17, 2, 17, "x") : (2, 17, 2, 18, string.Empty);
            await client.NotifyAsync("textDocument/didChange", DiagnosticsTests.Change(Uri, version, change));
        }

        await client.DiagnosticsAsync(Uri, 41);
        var versions = client.Notifications("textDocument/publishDiagnostics").Select(p => p.GetProperty("version").GetInt32()).ToList();
        var errorCounts = client.Notifications("textDocument/publishDiagnostics").Select(p => p.GetProperty("diagnostics").GetArrayLength()).ToList();
        // A version replaced before its check started is skipped (edits are coalesced), but none is published out of order.
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(41, versions[^1]);
        Assert.All(versions.Zip(errorCounts), e => Assert.Equal(e.First % 2 == 0 ? 1 : 0, e.Second));
        Assert.Equal("type: task\ncommands: [echo]\nspot_policy: auto\n", client.Server.Documents.Find(Uri)!.Text);
    }

    [Fact]
    public async Task EditsThenClose_TheLastWordOnTheDocumentIsTheEmptyList()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(Uri, "type: task\ncommands: [echo]\nspot_policy: autox\n"));
        for (var version = 2; version <= 20; version++)
        {
            await client.NotifyAsync("textDocument/didChange", DiagnosticsTests.Change(Uri, version, (2, 13, 2, 13, "x")));
        }

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = Uri } });
        await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "textDocument/publishDiagnostics" &&
            m.GetProperty("params").GetProperty("diagnostics").GetArrayLength() == 0, "the empty list after close");
        await client.Server.Background.IdleAsync().WaitAsync(Bounded.Limit);

        var last = client.Notifications("textDocument/publishDiagnostics")[^1];
        Assert.Equal(0, last.GetProperty("diagnostics").GetArrayLength());
        Assert.False(last.TryGetProperty("version", out _));
    }
}
