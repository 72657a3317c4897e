using Dstack.Runtime.Backends;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Offers;

/// <summary>
/// The one place offers come from: asks every configured backend the requirements' backends filter admits, and merges
/// their answers into one <see cref="OfferSearch"/> (one filter: each backend's; one sort: <see cref="OfferSearch.Offers"/>).
/// <c>dstack run</c>'s plan, <c>dstack offer</c> and the editor's offers lens all read it, so they cannot disagree.
/// </summary>
public sealed class OfferCatalog(IReadOnlyList<IBackend> backends)
{
    /// <summary>The configured backends, in the order of preference between equal prices (this machine first).</summary>
    public IReadOnlyList<IBackend> Backends { get; } = backends;

    public OfferSearch Find(Requirements requirements, OfferContext? context = null)
    {
        context ??= OfferContext.Empty;
        var admitted = Backends.Where(b => b.IsAdmitted(requirements)).ToList();
        var problems = new List<OfferProblem>();
        if (admitted.Count == 0 && requirements.Backends is { } wanted)
        {
            problems.Add(OfferProblem.Error(DiagnosticCodes.NoOffers, NoneAdmitted(wanted)));
        }

        return new OfferSearch(requirements, [.. admitted.Select(b => b.GetOffers(requirements, context))], problems);
    }

    /// <summary>The backend an offer (or instance) came from; null when it is no longer configured.</summary>
    public IBackend? BackendOf(string name) => Backends.FirstOrDefault(b => b.Name == name);

    private string NoneAdmitted(IReadOnlyList<BackendType> wanted)
    {
        var names = wanted.Select(NameOf).ToList();
        var configured = Backends.Select(b => b.Name).ToList();
        var unconfigured = wanted.Select(w => (Type: w, Name: NameOf(w))).Where(w => !configured.Contains(w.Name)).ToList();
        if (unconfigured.Any(w => w.Type is BackendType.Ssh or BackendType.Remote))
        {
            return "no offers: the backends ask for SSH hosts, and the pool has none; add one with dstack pool add-ssh USER@HOST (see dstack pool list), or pass -b local";
        }

        var which = configured.Count == 1 ? $"the {configured[0]} backend, the only one configured here" : $"every backend configured here ({string.Join(", ", configured)})";
        return $"no offers: backends [{string.Join(", ", names)}] excludes {which}; add {configured[0]} to backends, or pass -b {configured[0]}";
    }

    private static string NameOf(BackendType type) => ModelBinder.EnumNames(typeof(BackendType)).First(n => Equals(n.Value, type)).Name;
}
