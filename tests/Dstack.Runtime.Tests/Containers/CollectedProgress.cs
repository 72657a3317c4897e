namespace Dstack.Runtime.Tests.Containers;

/// <summary>Progress reports kept in order, on the reporting thread (<see cref="Progress{T}"/> would post them later).</summary>
public sealed class CollectedProgress<T>(List<T> reports) : IProgress<T>
{
    public void Report(T value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
