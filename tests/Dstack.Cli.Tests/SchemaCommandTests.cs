using System.Text.Json.Nodes;

namespace Dstack.Cli.Tests;

[Trait("Category", "Fast")]
public sealed class SchemaCommandTests
{
    [Theory]
    [InlineData(new string[0], "dstack configuration")]
    [InlineData(new[] { "--profiles" }, "dstack profiles")]
    [InlineData(new[] { "--workflows" }, "dstack workflows")]
    public async Task Schema_PrintsValidJson(string[] options, string title)
    {
        var result = await Cli.RunAsync(["schema", .. options]);

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        var schema = JsonNode.Parse(result.Output)!;
        Assert.Equal(title, (string?)schema["title"]);
    }

    [Fact]
    public async Task Schema_EqualsTheCheckedInFile_WhenThereIsOne()
    {
        var result = await Cli.RunAsync("schema");
        var printed = JsonNode.Parse(result.Output);

        // schema/dstack.schema.json is added on another branch; until it lands there is nothing to compare.
        if (File.Exists(RepositoryLayout.SchemaFile))
        {
            var checkedIn = JsonNode.Parse(File.ReadAllText(RepositoryLayout.SchemaFile));
            Assert.True(JsonNode.DeepEquals(checkedIn, printed), "schema/dstack.schema.json is stale: regenerate it with `dstack schema > schema/dstack.schema.json`");
        }

        Assert.NotNull(printed?["definitions"]?["TaskConfiguration"]);
    }
}
