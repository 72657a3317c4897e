using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// The local backend: this machine, free, on-demand. It fits when <see cref="ResourceMatcher"/> finds nothing unmet
/// (the cloud defaults are not enforced here, as in <c>dstack run</c>) and the configuration's own offer filters
/// (<c>backends</c>, <c>regions</c>, <c>instance_types</c>, <c>spot_policy</c>) admit it.
/// </summary>
public sealed class LocalOfferSource(MachineProbe machine) : IOfferSource
{
    public IReadOnlyList<OfferCandidate> Candidates(RunConfiguration configuration)
    {
        var resources = machine.Current();
        var unmet = new List<string>(ResourceMatcher.Unmet(configuration.Resources, resources, enforceDefaults: false));
        unmet.AddRange(FilteredOut(configuration));
        // The same price as the planner's LocalOffer: this machine costs nothing.
        return [new OfferCandidate(LocalOffer.Backend, "this machine", 0m, resources, unmet)];
    }

    private static IEnumerable<string> FilteredOut(ProfileParameters parameters)
    {
        if (parameters.Backends is { } backends && !backends.Contains(BackendType.Local))
        {
            var names = backends.Select(b => ModelBinder.EnumNames(typeof(BackendType)).First(n => Equals(n.Value, b)).Name);
            yield return $"backends: [{string.Join(", ", names)}] leaves out local";
        }

        if (parameters.Regions is { Count: > 0 } regions && !regions.Contains(LocalOffer.Region, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"regions: [{string.Join(", ", regions)}] leaves out this machine (its region is local)";
        }

        if (parameters.InstanceTypes is { Count: > 0 } types && !types.Contains("local", StringComparer.OrdinalIgnoreCase))
        {
            yield return $"instance_types: [{string.Join(", ", types)}] leaves out this machine (its instance type is local)";
        }

        if (parameters.SpotPolicy == SpotPolicy.Spot)
        {
            yield return "spot_policy: spot asks for spot instances, and this machine is on-demand";
        }
    }
}
