using System.CommandLine;
using Dstack.Runtime.Schema;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack schema [--profiles|--workflows]</c>: prints the JSON schema of the configuration files.</summary>
public static class SchemaCommand
{
    public static Command Create(TextWriter output)
    {
        var profiles = new Option<bool>("--profiles") { Description = "Print the schema of .dstack/profiles.yml instead." };
        var workflows = new Option<bool>("--workflows") { Description = "Print the schema of legacy .dstack/workflows/*.yaml files instead." };
        var command = new Command("schema", "Print the JSON schema of *.dstack.yml run configurations (for editors and CI).") { profiles, workflows };
        command.SetAction(parse =>
        {
            var schema = parse.GetValue(profiles) ? ConfigurationSchema.ForProfiles()
                : parse.GetValue(workflows) ? ConfigurationSchema.ForWorkflows()
                : ConfigurationSchema.ForRunConfigurations();
            output.Write(ConfigurationSchema.ToText(schema));
            return DstackCommandLine.Success;
        });
        return command;
    }
}
