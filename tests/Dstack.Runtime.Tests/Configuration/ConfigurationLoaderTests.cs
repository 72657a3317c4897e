using System.Text;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class ConfigurationLoaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("   \n")]
    public void LoadText_EmptyFile_IsEmptyDocumentAtFileStart(string yaml)
    {
        var document = Load(yaml);

        var error = Assert.Single(document.Diagnostics);
        Assert.Equal(DiagnosticCodes.EmptyDocument, error.Code);
        Assert.True(error.IsError);
        At(error, 1, 1, 1, 1);
        Mentions(error, "empty", "type: task");
        Assert.Null(document.Model);
    }

    [Fact]
    public void LoadText_NullDocument_IsEmptyDocument()
    {
        var document = Load("~\n");

        Assert.Contains(document.Diagnostics, d => d.Code is DiagnosticCodes.EmptyDocument or DiagnosticCodes.TopLevelNotMapping);
        Assert.False(document.IsValid);
    }

    [Theory]
    [InlineData("- type: task\n- type: service\n", "a list")]
    [InlineData("type task\n", "the string \"type task\"")]
    [InlineData("42\n", "the number 42")]
    public void LoadText_TopLevelNotAMapping_IsTopLevelNotMapping(string yaml, string found)
    {
        var document = Load(yaml);

        var error = Single(document, DiagnosticCodes.TopLevelNotMapping);
        Assert.True(error.IsError);
        Assert.Equal((1, 1), (error.Span.StartLine, error.Span.StartColumn));
        Mentions(error, found, "must be a mapping");
    }

    [Fact]
    public void LoadText_MissingType_IsDiscriminatorMissing()
    {
        var document = Load("name: x\ncommands: [a]\n");

        var error = Single(document, DiagnosticCodes.InvalidConfigurationType);
        Assert.True(error.IsError);
        At(error, 1, 1, 1, 1);
        Mentions(error, "Discriminator 'type' is missing in value");
    }

    [Theory]
    [InlineData("type: tusk\n", "tusk", "did you mean `task`?")]
    [InlineData("type: services\n", "services", "did you mean `service`?")]
    [InlineData("type: dev-env\n", "dev-env", "allowed values")]
    [InlineData("type: run\n", "run", "'task', 'dev-environment', 'service'")]
    public void LoadText_UnknownType_IsNoMatchForDiscriminator(string yaml, string value, string hint)
    {
        var error = Error(yaml, DiagnosticCodes.InvalidConfigurationType, 1, 7, 7 + value.Length);

        Mentions(error, $"No match for discriminator 'type' and value '{value}'", hint);
    }

    [Theory]
    [InlineData("type: 5\n")]
    [InlineData("type: [task]\n")]
    [InlineData("type: yes\n")]
    public void LoadText_TypeNotAString_IsInvalidConfigurationType(string yaml)
    {
        var document = Load(yaml);

        var error = Single(document, DiagnosticCodes.InvalidConfigurationType);
        Assert.True(error.IsError);
        Assert.Equal((1, 7), (error.Span.StartLine, error.Span.StartColumn));
    }

    [Theory]
    [InlineData("fleet")]
    [InlineData("gateway")]
    [InlineData("volume")]
    public void LoadText_ServerSideType_IsAWarningNotAnError(string type)
    {
        var document = Load($"type: {type}\nname: x\n");

        var warning = Assert.Single(document.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidConfigurationType, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.True(document.IsValid);
    }

    [Theory]
    [InlineData("type: task\ncommands: [a]\n", typeof(TaskConfiguration))]
    [InlineData("type: service\nport: 8000\ncommands: [a]\n", typeof(ServiceConfiguration))]
    [InlineData("type: dev-environment\nide: vscode\n", typeof(DevEnvironmentConfiguration))]
    public void LoadText_EachRunType_BindsItsModel(string yaml, Type model)
    {
        var document = Clean(yaml);

        Assert.Equal(ConfigurationKind.Run, document.Kind);
        Assert.IsType(model, document.Model);
        Assert.NotNull(document.RunConfiguration);
    }

    [Theory]
    [InlineData(".dstack/profiles.yml", ConfigurationKind.Profiles)]
    [InlineData(".dstack/profiles.yaml", ConfigurationKind.Profiles)]
    [InlineData("/home/u/repo/.dstack/profiles.yml", ConfigurationKind.Profiles)]
    [InlineData("C:\\repo\\.dstack\\profiles.yml", ConfigurationKind.Profiles)]
    [InlineData("/home/u/.dstack/profiles.yml", ConfigurationKind.Profiles)]
    [InlineData(".dstack/workflows/train.yaml", ConfigurationKind.Workflows)]
    [InlineData("repo/.dstack/workflows/x.yml", ConfigurationKind.Workflows)]
    [InlineData("train.dstack.yml", ConfigurationKind.Run)]
    [InlineData(".dstack.yml", ConfigurationKind.Run)]
    [InlineData("profiles.yml", ConfigurationKind.Run)]
    public void KindOf_Path_GivesTheKindOfFile(string path, ConfigurationKind expected)
    {
        Assert.Equal(expected, ConfigurationLoader.KindOf(path, null));
    }

    [Theory]
    [InlineData("profiles:\n  - name: a\n", ConfigurationKind.Profiles)]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n", ConfigurationKind.Workflows)]
    [InlineData("type: task\nprofiles: []\n", ConfigurationKind.Run)]
    public void LoadText_TopLevelKeyOfOtherName_GivesTheKind(string yaml, ConfigurationKind expected)
    {
        Assert.Equal(expected, Load(yaml, "some.yml").Kind);
    }

    [Fact]
    public void LoadFile_InvalidUtf8_ReportsTheByteWithLineAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dstack-{Guid.NewGuid():N}.dstack.yml");
        File.WriteAllBytes(path, [.. "type: task\nname: caf"u8, 0xE9, .. "\ncommands: [a]\n"u8]);
        try
        {
            var document = ConfigurationLoader.LoadFile(path, "train.dstack.yml");

            var error = Assert.Single(document.Diagnostics);
            Assert.Equal(DiagnosticCodes.InvalidEncoding, error.Code);
            Assert.True(error.IsError);
            At(error, 2, 10, 2, 11);
            Mentions(error, "0xE9", "UTF-8");
            Assert.Equal("train.dstack.yml", error.Path);
            Assert.Null(document.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_Utf8File_LoadsLikeText()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dstack-{Guid.NewGuid():N}.dstack.yml");
        File.WriteAllText(path, "type: task\nname: café-run\ncommands: [a]\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var document = ConfigurationLoader.LoadFile(path);

            var error = Assert.Single(document.Diagnostics);
            Assert.Equal(DiagnosticCodes.InvalidName, error.Code);
            Assert.Equal((2, 7), (error.Span.StartLine, error.Span.StartColumn));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_MissingFile_IsFileNotFound()
    {
        var document = ConfigurationLoader.LoadFile(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "x.dstack.yml"));

        var error = Assert.Single(document.Diagnostics);
        Assert.Equal(DiagnosticCodes.FileNotFound, error.Code);
        Assert.False(document.IsValid);
    }

    [Fact]
    public void LoadText_SeveralProblems_AreSortedByPosition()
    {
        var document = Load("type: task\nnodes: 0\nname: Bad_Name\ncommands: [a]\nfoo: 1\n");

        Assert.Equal([2, 3, 5], document.Diagnostics.Select(d => d.Span.StartLine));
        Assert.Equal([DiagnosticCodes.InvalidNodes, DiagnosticCodes.InvalidName, DiagnosticCodes.UnknownProperty], document.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Diagnostic_ToString_IsCanonicalMsBuildForm()
    {
        var document = Load("type: task\ncommands: [a]\nresources:\n  memory: 80GB..40GB\n", "train.dstack.yml");

        var error = Assert.Single(document.Diagnostics);
        Assert.StartsWith("train.dstack.yml(4,11): error DSTK2003: ", error.ToString(), StringComparison.Ordinal);
        Mentions(error, "Invalid range order: 80GB..40GB");
    }

    [Fact]
    public void LoadText_YamlErrorInsideAFile_StopsBeforeBinding()
    {
        var document = Load("type: task\ncommands: [echo\n");

        Assert.Equal(DiagnosticCodes.YamlSyntax, Assert.Single(document.Diagnostics).Code);
        Assert.Null(document.Model);
    }
}
