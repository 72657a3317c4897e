using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>The capability, and where a trigger character opens the list and where it stays quiet.</summary>
[Trait("Category", "Fast")]
public sealed class CompletionTriggerTests
{
    [Fact]
    public async Task Initialize_AnnouncesCompletionWithTriggersAndResolve()
    {
        await using var client = new TestClient();

        var result = await client.ResultAsync("initialize", new { processId = (int?)null, capabilities = new { } });

        var provider = result.GetProperty("capabilities").GetProperty("completionProvider");
        Assert.Equal([":", " ", ",", "["], provider.GetProperty("triggerCharacters").EnumerateArray().Select(c => c.GetString()));
        // Resolve gives documentation to clients that declared they resolve it (CompletionWireTests).
        Assert.True(provider.GetProperty("resolveProvider").GetBoolean());
    }

    [Theory]
    // A space after `key: ` or `- ` opens values or item keys.
    [InlineData("type: task\nspot_policy: ‸\n", " ", true)]
    [InlineData("profiles:\n  - ‸\n", " ", true)]
    [InlineData("type: task\nbackends: [aws, ‸]\n", " ", true)]
    // A space typed to indent, or inside a value, opens nothing.
    [InlineData("type: task\nresources:\n  ‸\n", " ", false)]
    [InlineData("type: task\nspot_policy: on ‸\n", " ", false)]
    // A colon inside a GPU spec opens the next token; the colon that ends a key waits for the space.
    [InlineData("type: task\nresources:\n  gpu: A100:‸\n", ":", true)]
    [InlineData("type: task\nspot_policy:‸\n", ":", false)]
    // A comma or bracket in a flow list.
    [InlineData("type: task\nbackends: [‸\n", "[", true)]
    [InlineData("type: task\nresources:\n  gpu: A100,‸\n", ",", true)]
    public async Task TriggerCharacter_AnswersOnlyWhereItStartsSomething(string marked, string trigger, bool answers)
    {
        await using var client = await TestClient.InitializedAsync();

        var triggered = await Completions.AtAsync(client, marked, trigger: trigger);
        var invoked = await Completions.AtAsync(client, marked);

        Assert.Equal(answers, triggered.Items.Count > 0);
        Assert.NotEmpty(invoked.Items);
    }

    [Fact]
    public async Task UnknownDocument_GivesAnEmptyList()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await client.ResultAsync("textDocument/completion", new { textDocument = new { uri = "file:///nowhere.dstack.yml" }, position = new { line = 0, character = 0 } });

        Assert.False(result.GetProperty("isIncomplete").GetBoolean());
        Assert.Empty(result.GetProperty("items").EnumerateArray());
    }
}
