using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Workflows;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The dstack file a command is about: the open document's text when the editor has it open (what the user sees,
/// saved or not), else the file on disk; for a workflows file, also which of the repository's workflows it runs.
/// </summary>
/// <param name="Uri">The uri as the client sent it.</param>
/// <param name="Path">The file path it names.</param>
/// <param name="Open">The open document, or null when the command reads the disk.</param>
public sealed record CommandTarget(string Uri, string Path, DocumentSnapshot? Open)
{
    /// <summary>The workflow to run (<c>dstack run NAME</c>) instead of the file itself; null for a run configuration.</summary>
    public string? Workflow { get; init; }

    /// <summary>With <see cref="Workflow"/>: the repository folder, which holds <c>.dstack/workflows</c> and where the run starts.</summary>
    public string? RepoFolder { get; init; }

    /// <summary>The target of <paramref name="arguments"/>' uri; not a dstack file is invalid params.</summary>
    public static CommandTarget Of(CommandArguments arguments, ServerContext context)
    {
        var uri = arguments.Uri();
        if (!DocumentUri.IsDstackFile(uri))
        {
            throw arguments.Invalid($"{uri} is not a dstack file (*.dstack.yml, *.dstack.yaml, .dstack/profiles.yml or .dstack/workflows/*.yaml)");
        }

        var open = context.Documents.Find(uri);
        if (open is null && !IsFileUri(uri))
        {
            throw arguments.Invalid($"{uri} is not open, and only a file: uri can be read from disk");
        }

        return new CommandTarget(uri, DocumentUri.LocalPath(uri), open);
    }

    /// <summary>
    /// This workflows file's target for running <paramref name="name"/>, a workflow of its repository (read as the
    /// editor shows it); without a name, the file's only workflow. Anything else is invalid params that lists the names.
    /// </summary>
    public CommandTarget ForWorkflow(string? name, CommandArguments arguments, ServerContext context)
    {
        var workflows = (Open is { } open ? RepositoryWorkflows.Of(open, context.Documents) : null) ?? RepositoryWorkflows.Of(Path, context.Documents);
        if (workflows is null)
        {
            throw arguments.Invalid($"{Uri} is not in a repository's .dstack/workflows folder, where `dstack run NAME` finds workflows");
        }

        if (name is null)
        {
            var own = workflows.OwnWorkflows();
            if (own.Count != 1)
            {
                var listed = own.Count == 0 ? "it defines none that can run (see its problems)" : $"it defines {string.Join(", ", own.Select(w => w.Name))}";
                throw arguments.Invalid($"name the workflow to run in the second argument, such as {{\"workflow\": \"{own.FirstOrDefault()?.Name ?? "NAME"}\"}}: {listed}");
            }

            name = own[0].Name;
        }
        else if (workflows.Catalog.Find(name) is null)
        {
            throw arguments.Invalid(workflows.Catalog.Unknown(name));
        }

        return this with { Workflow = name, RepoFolder = workflows.RepoRoot };
    }

    private static bool IsFileUri(string uri) => System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile;

    /// <summary>Reads and checks the file, with the same loader as <c>dstack validate</c>.</summary>
    public ConfigurationDocument Load() =>
        Open is { } open ? CheckedDocuments.Of(open) : ConfigurationLoader.LoadFile(Path);
}
