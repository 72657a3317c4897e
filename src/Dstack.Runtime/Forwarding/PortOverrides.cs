using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Forwarding;

/// <summary>A run's ports with <c>-p</c> mappings in place of its own for the same container port (<c>dstack attach -p</c>).</summary>
public static class PortOverrides
{
    /// <summary>Applies <paramref name="flags"/> (<c>LOCAL:CONTAINER</c>, <c>PORT</c>, <c>*:CONTAINER</c>) over <paramref name="ports"/>.</summary>
    /// <exception cref="ValueException">A flag is malformed; the message starts with <c>-p TEXT:</c>.</exception>
    public static IReadOnlyList<PortMapping> Apply(IReadOnlyList<PortMapping> ports, IEnumerable<string> flags)
    {
        var merged = ports.ToList();
        foreach (var text in flags)
        {
            PortMapping mapping;
            try
            {
                mapping = ModelBinder.ParsePortMapping(text);
            }
            catch (ValueException e)
            {
                throw new ValueException(e.Issue with { Message = $"-p {text}: {e.Message}" });
            }

            merged.RemoveAll(p => p.ContainerPort == mapping.ContainerPort);
            merged.Add(mapping);
        }

        return merged;
    }
}
