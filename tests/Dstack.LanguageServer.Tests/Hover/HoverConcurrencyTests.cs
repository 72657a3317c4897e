using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Hover;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Hover;

/// <summary>Hover runs on many requests at once (and beside the start-up warm-up): the same question gets the same answer.</summary>
[Trait("Category", "Fast")]
public sealed class HoverConcurrencyTests
{
    [Fact]
    public async Task At_FromManyThreadsAtOnce_GivesTheSameMarkdownEveryTime()
    {
        const string Text = "type: task\ncommands: [echo]\nresources:\n  gpu: 2:MI300X\n  memory: 16GB..64GB\nmax_duration: 90m\n";
        var positions = new[] { new Position(3, 11), new Position(4, 12), new Position(5, 3), new Position(0, 7) };
        string?[] Answer(DocumentSnapshot snapshot) => [.. positions.Select(p => DocumentHover.At(snapshot, p)?.Contents.Value)];
        var expected = Answer(new DocumentSnapshot("file:///s/a.dstack.yml", "/s/a.dstack.yml", 1, Text));

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            Answer(new DocumentSnapshot("file:///s/a.dstack.yml", "/s/a.dstack.yml", i, Text)))));

        Assert.Contains("`MI300X` is an AMD GPU", expected[0]);
        Assert.All(answers, a => Assert.Equal(expected, a));
    }
}
