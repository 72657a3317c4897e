using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// <c>python</c>: the versions dstack's base images have, always quoted, because YAML reads an unquoted <c>3.10</c> as
/// the float 3.1.
/// </summary>
public static class PythonCompletion
{
    private static readonly string[] Versions = ["3.9", "3.10", "3.11", "3.12", "3.13"];

    public static void Add(CompletionItems items)
    {
        foreach (var version in Versions)
        {
            items.Value(version, CompletionItemKind.EnumMember, $"Python {version} (quoted: YAML reads 3.10 as 3.1)", quoted: true);
        }
    }
}
