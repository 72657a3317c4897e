using Dstack.Runtime.Configuration;

namespace Dstack.Runtime.Tests;

[Trait("Category", "Fast")]
public sealed class SmokeTests
{
    [Fact]
    public void LoadText_MinimalTask_IsValid()
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", "type: task\ncommands:\n  - echo hi\n");
        Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
    }
}
