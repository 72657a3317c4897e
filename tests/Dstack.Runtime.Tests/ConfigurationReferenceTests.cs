using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Schema;

namespace Dstack.Runtime.Tests;

[Trait("Category", "Fast")]
public sealed class ConfigurationReferenceTests
{
    private static readonly string DocsFile = Path.Combine(FindRoot(), "docs", "configuration.md");

    /// <summary>Fails when docs/configuration.md is stale; run with DSTACK_UPDATE_DOCS=1 to rewrite its generated regions.</summary>
    [Fact]
    public void ConfigurationDocs_GeneratedRegions_MatchTheModel()
    {
        var written = File.ReadAllText(DocsFile).Replace("\r\n", "\n", StringComparison.Ordinal);
        var expected = ConfigurationReference.Update(written);
        if (expected != written && Environment.GetEnvironmentVariable("DSTACK_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(DocsFile, expected);
            written = expected;
        }

        Assert.True(
            expected == written,
            "docs/configuration.md is stale: run `DSTACK_UPDATE_DOCS=1 dotnet test tests/Dstack.Runtime.Tests --filter ConfigurationReferenceTests` and commit the result");
    }

    [Fact]
    public void RenderProperties_EveryModelProperty_HasARow()
    {
        var text = ConfigurationReference.RenderProperties();

        foreach (var type in new[] { typeof(TaskConfiguration), typeof(DevEnvironmentConfiguration), typeof(ServiceConfiguration), typeof(Profile), typeof(Workflow), typeof(Dstack.Runtime.Resources.ResourcesSpec), typeof(Dstack.Runtime.Resources.GpuSpec) })
        {
            foreach (var property in ModelDescriptor.For(type).Properties)
            {
                Assert.Contains($"| `{property.YamlName}` |", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void RenderProperties_ResourcesTable_StatesDefaultsAndTypes()
    {
        var text = ConfigurationReference.RenderProperties();

        Assert.Contains("| `cpu` | [count or count range](#ranges) | `2..` |", text, StringComparison.Ordinal);
        Assert.Contains("| `memory` | [size or size range](#sizes) | `8GB..` |", text, StringComparison.Ordinal);
        Assert.Contains("| `disk` | [size or size range](#sizes), or [object](#disk) | `100GB..` |", text, StringComparison.Ordinal);
        Assert.Contains("| `name` | string or list of strings | – |", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderProperties_DeprecatedProperty_SaysSo()
    {
        var text = ConfigurationReference.RenderProperties();

        Assert.Contains("| `home_dir` | string | – | **Deprecated:** it has no effect, the home directory is /root: remove it.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderDiagnostics_ListsEveryCode()
    {
        var text = ConfigurationReference.RenderDiagnostics();

        Assert.All(DiagnosticCodes.All, c => Assert.Contains($"| `{c.Code}` | {c.Title.Replace("|", "\\|", StringComparison.Ordinal)} |", text, StringComparison.Ordinal));
    }

    [Fact]
    public void Update_KeepsTheProseAndReplacesTheRegions()
    {
        const string document = "# Title\nprose\n<!-- BEGIN GENERATED properties -->\nold\n<!-- END GENERATED properties -->\nmiddle\n<!-- BEGIN GENERATED diagnostics -->\n<!-- END GENERATED diagnostics -->\nend\n";

        var updated = ConfigurationReference.Update(document);

        Assert.StartsWith("# Title\nprose\n<!-- BEGIN GENERATED properties -->\n<a id=\"task\"></a>", updated, StringComparison.Ordinal);
        Assert.DoesNotContain("\nold\n", updated, StringComparison.Ordinal);
        Assert.Contains("<!-- END GENERATED properties -->\nmiddle\n<!-- BEGIN GENERATED diagnostics -->\n| code | meaning |", updated, StringComparison.Ordinal);
        Assert.EndsWith("<!-- END GENERATED diagnostics -->\nend\n", updated, StringComparison.Ordinal);
        Assert.Equal(updated, ConfigurationReference.Update(updated));
    }

    [Fact]
    public void Update_MissingRegion_Throws()
    {
        Assert.Throws<FormatException>(() => ConfigurationReference.Update("# no markers\n"));
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dstack.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Dstack.sln not found");
    }
}
