using Dstack.Runtime.Backends;
using Dstack.Runtime.Runs;

namespace Dstack.Cli.Runs;

/// <summary>
/// Before <c>dstack run</c>'s plan and <c>dstack offer</c>: plans once to learn which backends the run admits, lets
/// each of them refresh stale offers (<see cref="IBackend.RefreshOffersAsync"/>: a cloud's live prices) within
/// <see cref="TimeLimit"/>, prints each one's warning on one line, and plans again when one learnt something. The
/// language server never comes here: its lenses read what the CLI last cached.
/// </summary>
public static class OfferRefresher
{
    /// <summary>How long the refreshes may take together before the plan goes on with what is known.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The request with its backends read once (so both plans share them), after the admitted backends' refresh; and
    /// the plan made before it, when nothing was refreshed (null when it must be made: again, or for the first time
    /// when no configured backend refreshes its offers).
    /// </summary>
    public static async Task<(RunRequest Request, RunPlan? Plan)> RefreshAsync(RunRequest request, TextWriter error, CancellationToken cancellationToken)
    {
        var configured = request.Backends?.Invoke() ?? BackendRegistry.Read(request.Home);
        request = request with { Backends = () => configured };
        if (!configured.Catalog.Backends.Any(b => b.RefreshesOffers))
        {
            // Nothing configured learns offers live (this machine, SSH hosts): the one plan is made by the caller.
            return (request, null);
        }

        var plan = RunPlanner.Plan(request);
        if (plan.Offers is not { } search)
        {
            return (request, plan);
        }

        var admitted = configured.Catalog.Backends.Where(b => search.Backends.Any(o => o.Backend == b.Name)).ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeLimit);
        var results = await Task.WhenAll(admitted.Select(b => RefreshAsync(b, limit.Token)));
        foreach (var warning in results.Select(r => r.Warning).OfType<string>())
        {
            await error.WriteLineAsync($"dstack: warning: {warning}");
        }

        return (request, results.Any(r => r.Refreshed) ? null : plan);
    }

    private static async Task<OfferRefresh> RefreshAsync(IBackend backend, CancellationToken cancellationToken)
    {
        try
        {
            return await backend.RefreshOffersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new OfferRefresh(false, $"{backend.Name}: offers not refreshed within {TimeLimit.TotalSeconds:0} s; the known ones are used");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or HttpRequestException)
        {
            return new OfferRefresh(false, $"{backend.Name}: offers not refreshed ({e.Message}); the known ones are used");
        }
    }
}
