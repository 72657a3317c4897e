using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack tags delete TAG</c>: removes a tag; the run and its artifacts stay.</summary>
public static class TagsDeleteCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var tag = new Argument<string>("TAG") { Description = "The tag to delete (see dstack tags list)." };
        var command = new Command("delete", "Delete a tag. The run and its artifacts stay; a new run of its name may then replace it.") { tag };
        command.SetAction(parse =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var name = parse.GetValue(tag)!;
            var found = store.FindTag(name);
            if (found is null || !store.DeleteTag(name))
            {
                var names = store.ListTags().Select(t => t.Name).ToList();
                var hint = DidYouMean.Find(name, names) is { } best ? $"; did you mean {best}?" : names.Count == 0 ? "; there are no tags" : $"; the tags are: {string.Join(", ", names)}";
                error.WriteLine($"dstack: error {DiagnosticCodes.TagNotFound}: no tag named {name}{hint}");
                return DstackCommandLine.ProblemsFound;
            }

            output.WriteLine($"Deleted the tag {name} (it named the run {found.RunName}; the run and its artifacts stay).");
            return DstackCommandLine.Success;
        });
        return command;
    }
}
