using System.Collections.Concurrent;
using Dstack.Runtime.Configuration.Binding;

namespace Dstack.LanguageServer.Completion;

/// <summary>The YAML spellings of an enum's values (<c>on-demand</c>), as the binder reads them; read once per type.</summary>
public static class EnumSpellings
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<string>> Cache = new();

    public static IReadOnlyList<string> Of(Type enumType) =>
        Cache.GetOrAdd(enumType, static t => [.. ModelBinder.EnumNames(t).Select(n => n.Name)]);
}
