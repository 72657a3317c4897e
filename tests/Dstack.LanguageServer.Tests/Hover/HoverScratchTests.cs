using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;
using Xunit.Abstractions;

namespace Dstack.LanguageServer.Tests.Hover;

public sealed class HoverScratchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scratch()
    {
        await using var client = await TestClient.InitializedAsync();
        var text = File.ReadAllText("/work/shared/lsp-bench/fixtures/05-distributed-nodes.dstack.yml");
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open("file:///x/a.dstack.yml", text));
        var r = await client.ResultAsync("textDocument/documentSymbol", new { textDocument = new { uri = "file:///x/a.dstack.yml" } });
        output.WriteLine(text);
        output.WriteLine(r.ToString());
    }
}
