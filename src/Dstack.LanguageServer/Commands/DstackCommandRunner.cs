using System.Text.Json;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// Runs the <see cref="DstackCommands"/>. Nothing here starts a job: <c>dstack.run</c> answers the command line, and
/// the editor runs it in a terminal, where the user sees the plan, confirms, and follows the output.
/// </summary>
public sealed class DstackCommandRunner(EditorOffers offers)
{
    public async Task<JsonElement> RunAsync(ExecuteCommandParams parameters, ServerContext context)
    {
        var arguments = new CommandArguments(parameters.Command, parameters.Arguments ?? []);
        switch (parameters.Command)
        {
            case DstackCommands.Validate:
                var result = Validate(CommandTarget.Of(arguments, context), context, out var open);
                if (open is not null)
                {
                    await DiagnosticPublisher.PublishAsync(context, open).ConfigureAwait(false);
                }

                return JsonSerializer.SerializeToElement(result, LspJsonContext.Default.ValidateResult);
            case DstackCommands.Run or DstackCommands.RunCommandLine:
                return JsonSerializer.SerializeToElement(CommandLine(arguments, context), LspJsonContext.Default.RunCommandLineResult);
            case DstackCommands.Offers or DstackCommands.ShowOffers:
                return JsonSerializer.SerializeToElement(Offers(arguments, context), LspJsonContext.Default.OffersResult);
            case DstackCommands.OpenUrl:
                return JsonSerializer.SerializeToElement(OpenUrl(arguments, context), LspJsonContext.Default.String);
            case DstackCommands.Ssh:
                return JsonSerializer.SerializeToElement("ssh " + SshHost(arguments), LspJsonContext.Default.String);
            default:
                throw new JsonRpcException(
                    ErrorCodes.InvalidParams,
                    $"unknown command '{parameters.Command}': this server runs {string.Join(", ", DstackCommands.All)}");
        }
    }

    private static ValidateResult Validate(CommandTarget target, ServerContext context, out Documents.DocumentSnapshot? open)
    {
        open = target.Open;
        var document = target.Load();
        var diagnostics = open is not null
            ? Documents.DocumentDiagnostics.All(open, context.Documents)
            : [.. document.Diagnostics, .. Workflows.RepositoryWorkflows.Of(target.Path, context.Documents)?.Problems() ?? []];
        return new ValidateResult(
            target.Uri,
            !diagnostics.Any(d => d.IsError),
            diagnostics.Count(d => d.IsError),
            diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning),
            [.. diagnostics.Select(d => d.ToString())]);
    }

    private static RunCommandLineResult CommandLine(CommandArguments arguments, ServerContext context)
    {
        var target = CommandTarget.Of(arguments, context);
        if (!Uri.TryCreate(target.Uri, UriKind.Absolute, out var parsed) || !parsed.IsFile)
        {
            throw arguments.Invalid($"{target.Uri} is not a file on disk, and `dstack run` reads the file: save it first");
        }

        var options = arguments.Optional(1, LspJsonContext.Default.RunCommandLineOptions, "an object such as {\"args\": [\"-y\"], \"detach\": true}");
        var document = target.Load();
        if (document.Kind == ConfigurationKind.Workflows)
        {
            target = target.ForWorkflow(options?.Workflow, arguments, context);
        }
        else
        {
            RunnableOnly(arguments, target, document);
            if (options?.Workflow is not null || options?.WithDeps is not null)
            {
                throw arguments.Invalid($"`workflow` and `withDeps` are for a .dstack/workflows file; {target.Uri} is a run configuration, which runs as it is");
            }
        }

        if (options?.Args is { } extra && extra.Any(a => a is null))
        {
            throw arguments.Invalid("`args` must hold strings only");
        }

        if (options?.Options is { } own && own.Any(a => a is null))
        {
            throw arguments.Invalid("`options` must hold strings only");
        }

        return RunCommandLine.For(target, options);
    }

    private OffersResult Offers(CommandArguments arguments, ServerContext context)
    {
        var target = CommandTarget.Of(arguments, context);
        var document = target.Load();
        RunnableOnly(arguments, target, document);
        var errors = document.Diagnostics.Count(d => d.IsError);
        if (errors > 0 || document.RunConfiguration is not { } configuration)
        {
            return new OffersResult(target.Uri, OfferSummary.FixErrorsFirst(Math.Max(1, errors)), []);
        }

        var summary = offers.Summarize(configuration, Documents.DocumentUri.FilePath(target.Uri));
        return new OffersResult(
            target.Uri,
            summary.Text,
            [.. summary.Candidates.Select(c => new OfferCandidateView(c.Offer.Backend, c.Offer.Instance, c.Offer.PricePerHour, Resources(c.Offer), c.Fits, c.Unmet))]);
    }

    /// <summary>
    /// Asks a client that supports <c>window/showDocument</c> to open the URL externally (not awaited: the answer may
    /// be read by the loop that runs this command), and returns it. Only the schemes a run publishes are opened.
    /// </summary>
    private static string OpenUrl(CommandArguments arguments, ServerContext context)
    {
        arguments.Uri();
        var url = arguments.Optional(1, LspJsonContext.Default.String, "the URL or link to open");
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https" or "vscode" or "cursor" or "vscode-insiders" or "windsurf"))
        {
            throw arguments.Invalid($"argument 2 must be a service's http(s) URL or an IDE's vscode:// or cursor:// link (found {url ?? "nothing"})");
        }

        if (context.ClientFeatures.ShowsDocuments)
        {
            _ = ShowExternallyAsync(url, context);
        }

        return url;
    }

    private static async Task ShowExternallyAsync(string url, ServerContext context)
    {
        try
        {
            await context.Client.RequestAsync(Methods.ShowDocument, new ShowDocumentParams(url, External: true), LspJsonContext.Default.ShowDocumentParams, context.Ending, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ClientErrorException or TimeoutException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            context.Log.Info($"window/showDocument {url}: {e.Message}");
        }
    }

    /// <summary>The SSH host alias of argument 2: a name the generated SSH config defines, never an option.</summary>
    private static string SshHost(CommandArguments arguments)
    {
        arguments.Uri();
        var host = arguments.Optional(1, LspJsonContext.Default.String, "the SSH host alias");
        if (host is null || host.Length == 0 || host[0] == '-' || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
        {
            throw arguments.Invalid($"argument 2 must be a run's SSH host alias, such as \"my-dev-env\" (found {host ?? "nothing"})");
        }

        return host;
    }

    /// <summary>What the machine has; "unknown" for one not probed (an SSH host still being probed, unreachable or busy).</summary>
    private static string Resources(Offer offer) =>
        offer.Availability == OfferAvailability.Available ? offer.Resources.ToString() : "unknown";

    private static void RunnableOnly(CommandArguments arguments, CommandTarget target, ConfigurationDocument document)
    {
        if (document.Kind == ConfigurationKind.Profiles)
        {
            throw arguments.Invalid($"{target.Uri} is a profiles file: only a task, service, dev environment or workflow runs");
        }

        if (document.Kind == ConfigurationKind.Workflows)
        {
            throw arguments.Invalid($"{target.Uri} is a workflows file: offers are shown for a task, service or dev environment; a workflow runs with dstack.run and {{\"workflow\": \"NAME\"}}");
        }
    }
}
