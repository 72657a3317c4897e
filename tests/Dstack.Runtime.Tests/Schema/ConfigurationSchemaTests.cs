using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Validation;
using Dstack.Runtime.Yaml;
using NJsonSchema;

namespace Dstack.Runtime.Tests.Schema;

[Trait("Category", "Fast")]
public sealed class ConfigurationSchemaTests
{
    public static TheoryData<string> SchemaFiles => new() { "dstack.schema.json", "profiles.schema.json", "workflows.schema.json" };

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void CheckedInSchema_MatchesGenerator(string file)
    {
        var generated = ConfigurationSchema.ToText(Generate(file));
        // schema/ is what `dstack schema` prints; editors/vscode/schema/ is the copy the extension ships (its own
        // vitest checks it too, but only the full run reaches that).
        foreach (var folder in new[] { "schema", "editors/vscode/schema" })
        {
            var path = RepositoryPaths.Combine(folder, file);
            if (Environment.GetEnvironmentVariable("DSTACK_UPDATE_SCHEMA") == "1")
            {
                File.WriteAllText(path, generated);
            }

            var checkedIn = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
            Assert.True(
                checkedIn == generated,
                $"{folder}/{file} is stale (the generator runs here; `dstack schema` prints the checked-in files): run these tests with DSTACK_UPDATE_SCHEMA=1");
        }
    }

    [Fact]
    public void RunSchema_DescribesEveryPropertyOfEveryType()
    {
        var schema = ConfigurationSchema.ForRunConfigurations();
        foreach (var (typeName, type) in ModelDescriptor.RunConfigurationTypes)
        {
            var definition = schema.Definitions[type.Name];
            Assert.False(definition.AllowAdditionalProperties);
            foreach (var property in ModelDescriptor.For(type).Properties)
            {
                Assert.True(definition.Properties.ContainsKey(property.YamlName), $"{typeName}.{property.YamlName} missing");
                Assert.False(string.IsNullOrWhiteSpace(definition.Properties[property.YamlName].Description), $"{typeName}.{property.YamlName} has no description");
            }

            Assert.Equal([typeName], definition.Properties["type"].Enumeration.Cast<string>());
        }
    }

    [Fact]
    public void RunSchema_ListsEnumValuesAndDefaults()
    {
        var task = ConfigurationSchema.ForRunConfigurations().Definitions["TaskConfiguration"];
        var spot = task.Properties["spot_policy"];
        Assert.Equal(["spot", "on-demand", "auto", null], spot.Enumeration);
        Assert.Equal("on-demand", spot.Default);
        Assert.Equal(1, task.Properties["nodes"].Default);
    }

    [Theory]
    [InlineData("type: task\ncommands: [echo hi]\nresources:\n  gpu: A100:80GB:2\n  memory: 16GB..\n  disk: {size: 100GB..}\nports: [8080, \"80:8000\"]\nenv: [A=1, B]\n", true)]
    [InlineData("type: task\ncommands: [echo hi]\ncomands: [x]\n", false)]
    [InlineData("type: task\ncommands: [echo hi]\nnodes: two\n", false)]
    [InlineData("type: service\ncommands: [serve]\nport: 8000\nreplicas: 1..2\nscaling: {metric: rps, target: 10}\n", true)]
    [InlineData("type: dev-environment\nide: vscode\npython: 3.10\n", true)]
    [InlineData("type: dev-environment\nide: emacs\n", false)]
    public void RunSchema_AcceptsValidAndRejectsInvalidDocuments(string yaml, bool valid)
    {
        var errors = ConfigurationSchema.ForRunConfigurations().Validate(ToJson(yaml));
        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void Examples_AllPassTheirSchema()
    {
        var folder = RepositoryPaths.Combine("examples");
        Assert.True(Directory.Exists(folder), "examples/ is missing");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(ConfigurationFinder.IsConfigurationPath).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var document = ConfigurationLoader.LoadFile(file);
            Assert.True(document.IsValid, string.Join("\n", document.Diagnostics));
            var schema = document.Kind switch
            {
                ConfigurationKind.Profiles => ConfigurationSchema.ForProfiles(),
                ConfigurationKind.Workflows => ConfigurationSchema.ForWorkflows(),
                _ => ConfigurationSchema.ForRunConfigurations(),
            };
            var errors = schema.Validate(YamlJson.ToJson(document.Root!));
            Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}");
        }
    }

    private static JsonSchema Generate(string file) => file switch
    {
        "profiles.schema.json" => ConfigurationSchema.ForProfiles(),
        "workflows.schema.json" => ConfigurationSchema.ForWorkflows(),
        _ => ConfigurationSchema.ForRunConfigurations(),
    };

    private static string ToJson(string yaml)
    {
        var bag = new Dstack.Runtime.Diagnostics.DiagnosticBag("t.yml");
        var root = YamlTreeReader.Read(yaml, bag);
        Assert.NotNull(root);
        return YamlJson.ToJson(root);
    }
}
