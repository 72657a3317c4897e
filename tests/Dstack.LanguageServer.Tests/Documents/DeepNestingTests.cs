using System.Diagnostics;
using System.Text;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Documents;

/// <summary>
/// Documents nested far past the 100-level limit: opening one and asking for diagnostics, symbols, formatting, hover,
/// completion, lenses and code actions takes time linear in its size.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DeepNestingTests
{
    public static TheoryData<string> Shapes => ["flow-sequence", "flow-mapping", "block-sequence", "block-mapping"];

    private static string Nested(string shape, int size)
    {
        var text = new StringBuilder("type: task\ncommands:\n  - echo\nenv: ");
        switch (shape)
        {
            case "flow-sequence":
                text.Append('[', size / 2).Append(']', size / 2);
                break;
            case "flow-mapping":
                text.Insert(text.Length, "{a: ", size / 6).Append('1').Append('}', size / 6);
                break;
            case "block-sequence":
                text.Append("\n  ").Insert(text.Length, "- ", size / 2).Append('x');
                break;
            default:
                text.Append('\n');
                for (var level = 1; text.Length < size; level++)
                {
                    text.Append(' ', level).Append("a:\n");
                }

                text.Append(' ', 2000).Append('1');
                break;
        }

        return text.Append('\n').ToString();
    }

    private static async Task<TimeSpan> EditAsync(TestClient client, string uri, string text)
    {
        var lastLine = text.Count(c => c == '\n') - 1;
        var clock = Stopwatch.StartNew();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(uri, text));
        await client.DiagnosticsAsync(uri, version: 1);
        var document = new { uri };
        await client.ResultAsync("textDocument/documentSymbol", new { textDocument = document });
        await client.ResultAsync("textDocument/formatting", new { textDocument = document, options = new { tabSize = 2, insertSpaces = true } });
        await client.ResultAsync("textDocument/codeLens", new { textDocument = document });
        foreach (var (line, character) in new[] { (3, 8), (3, 2000), (lastLine, 1), (lastLine, 1000) })
        {
            var position = new { line, character };
            await client.RequestAsync("textDocument/hover", new { textDocument = document, position });
            await client.RequestAsync("textDocument/completion", new { textDocument = document, position });
        }

        await client.RequestAsync("textDocument/codeAction", new { textDocument = document, range = new { start = new { line = 0, character = 0 }, end = new { line = lastLine, character = 0 } }, context = new { diagnostics = Array.Empty<object>() } });
        var elapsed = clock.Elapsed;
        await client.NotifyAsync("textDocument/didClose", new { textDocument = document });
        return elapsed;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task EditorRequests_FourTimesDeeper_TakeAboutFourTimesAsLong(string shape)
    {
        await using var client = await TestClient.InitializedAsync();
        var small = Nested(shape, 50_000);
        var large = Nested(shape, 200_000);
        await EditAsync(client, "file:///p/warm.dstack.yml", small);

        var smallTime = TimeSpan.MaxValue;
        var largeTime = TimeSpan.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var s = await EditAsync(client, $"file:///p/small{run}.dstack.yml", small);
            var l = await EditAsync(client, $"file:///p/large{run}.dstack.yml", large);
            smallTime = s < smallTime ? s : smallTime;
            largeTime = l < largeTime ? l : largeTime;
        }

        // Linear is about 4; quadratic is about 16. The bound leaves room for a loaded machine.
        Assert.True(largeTime < smallTime * 8 + TimeSpan.FromMilliseconds(50), $"{shape}: {small.Length} bytes took {smallTime.TotalMilliseconds:0} ms, {large.Length} bytes {largeTime.TotalMilliseconds:0} ms");
    }
}
