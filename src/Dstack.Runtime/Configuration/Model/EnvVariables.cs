using System.Collections;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// The <c>env</c> of a configuration, in file order. Written as a list (<c>- NAME=value</c>, <c>- NAME</c> for a
/// required variable) or a mapping (<c>NAME: value</c>, <c>NAME:</c> or <c>NAME: null</c> for a required one).
/// </summary>
public sealed class EnvVariables : IReadOnlyList<EnvVariable>
{
    private readonly IReadOnlyList<EnvVariable> _items;

    public EnvVariables(IReadOnlyList<EnvVariable> items) => _items = items;

    public static EnvVariables Empty { get; } = new([]);

    public int Count => _items.Count;

    public EnvVariable this[int index] => _items[index];

    public EnvVariable? Find(string name) => _items.FirstOrDefault(v => v.Name == name);

    public IEnumerator<EnvVariable> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override bool Equals(object? obj) => obj is EnvVariables other && _items.SequenceEqual(other._items);

    public override int GetHashCode() => _items.Count;
}
