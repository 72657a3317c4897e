using System.CommandLine;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack schema [--profiles|--workflows]</c>: prints the JSON schema of the configuration files. The schemas are the
/// checked-in files of <c>schema/</c>, embedded in the program; the generator runs in the tests, which fail when a file
/// is stale (ConfigurationSchemaTests), so the program needs no schema library at run time.
/// </summary>
public static class SchemaCommand
{
    public static Command Create(TextWriter output)
    {
        var profiles = new Option<bool>("--profiles") { Description = "Print the schema of .dstack/profiles.yml instead." };
        var workflows = new Option<bool>("--workflows") { Description = "Print the schema of legacy .dstack/workflows/*.yaml files instead." };
        var command = new Command("schema", "Print the JSON schema of *.dstack.yml run configurations (for editors and CI).") { profiles, workflows };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(profiles) ? "profiles.schema.json"
                : parse.GetValue(workflows) ? "workflows.schema.json"
                : "dstack.schema.json";
            output.Write(Embedded(file));
            return DstackCommandLine.Success;
        });
        return command;
    }

    /// <summary>The text of one embedded schema file, with \n line ends.</summary>
    public static string Embedded(string file)
    {
        using var stream = typeof(SchemaCommand).Assembly.GetManifestResourceStream($"Dstack.Cli.Schema.{file}")
            ?? throw new InvalidOperationException($"schema/{file} is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
