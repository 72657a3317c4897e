using Dstack.LanguageServer.Tests.Hover;

namespace Dstack.LanguageServer.Tests.Workflows;

/// <summary>Hover on a workflow's <c>provider</c>: what the key means, and what each value does, from the model's descriptions.</summary>
[Trait("Category", "Fast")]
public sealed class WorkflowHoverTests
{
    private const string Uri = "file:///work/project/.dstack/workflows/a.yaml";

    [Theory]
    [InlineData("workflows:\n  - name: a\n    pro‸vider: bash\n    commands: [x]\n", "bash: runs the commands with bash on the machine, with the chosen `python`")]
    [InlineData("workflows:\n  - name: a\n    provider: ba‸sh\n    commands: [x]\n", "bash: runs the commands with bash on the machine, with the chosen `python`")]
    [InlineData("workflows:\n  - name: a\n    provider: dock‸er\n    image: ubuntu:22.04\n    commands: [x]\n", "docker: runs the commands inside the container of `image`, through the Docker engine of the machine")]
    public async Task Provider_KeyAndValues_SayWhatTheProviderDoes(string marked, string meaning)
    {
        var hover = await HoverClient.AtAsync(marked, Uri);

        var markdown = hover!.Value.GetProperty("contents").GetProperty("value").GetString()!;
        Assert.StartsWith("**workflows[].provider**", markdown, StringComparison.Ordinal);
        Assert.Contains("How the commands run: bash (with bash and the chosen `python` on the machine) or docker (inside the container of `image`, through the Docker engine).", markdown, StringComparison.Ordinal);
        Assert.Contains($"**Value:** {meaning}", markdown, StringComparison.Ordinal);
        Assert.Contains("**Default:** `bash`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_UnknownValue_IsInvalidWithTheChoices()
    {
        var hover = await HoverClient.AtAsync("workflows:\n  - name: a\n    provider: pod‸man\n    commands: [x]\n", Uri);

        var markdown = hover!.Value.GetProperty("contents").GetProperty("value").GetString()!;
        Assert.Contains("**Invalid:**", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**Value:**", markdown, StringComparison.Ordinal);
    }
}
