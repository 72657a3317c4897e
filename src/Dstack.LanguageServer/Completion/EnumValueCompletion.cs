using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Values from a fixed set: an enum's YAML spellings (<c>spot</c>, <c>on-demand</c>, <c>auto</c>), <c>true</c> and
/// <c>false</c>, a run configuration's <c>type</c>, a few strings with known choices, and a list of enum values written
/// on the key's line (<c>backends: [aws]</c>). The default is marked; values already in the list are left out.
/// </summary>
public static class EnumValueCompletion
{
    private static readonly (string Value, string Detail)[] RunTypes =
    [
        ("task", "commands that run to completion: training, batch jobs, web apps"),
        ("dev-environment", "a machine prepared for an IDE to attach to"),
        ("service", "a long-running app or model published on one port"),
    ];

    /// <summary>Strings that are not enums in the model but take a few known values, by the type that owns them and the key.</summary>
    private static readonly Dictionary<(Type Owner, string Key), string[]> StringChoices = new()
    {
        [(typeof(ServiceModel), "format")] = ["openai", "tgi"],
        [(typeof(RunConfiguration), "shell")] = ["bash", "sh"],
    };

    public static void AddEnum(CompletionItems items, Type enumType)
    {
        var defaultText = items.Request.Property?.DefaultText;
        foreach (var (name, value) in ModelBinder.EnumNames(enumType))
        {
            // What the value does, where the model describes it (a workflow's provider).
            items.Value(name, CompletionItemKind.EnumMember, name == defaultText ? "the default" : null, EnumDescriptions.Of((Enum)value));
        }
    }

    public static void AddBooleans(CompletionItems items)
    {
        var defaultText = items.Request.Property?.DefaultText;
        items.Value("true", CompletionItemKind.Keyword, defaultText == "true" ? "the default" : null);
        items.Value("false", CompletionItemKind.Keyword, defaultText == "false" ? "the default" : null);
    }

    public static void AddRunTypes(CompletionItems items)
    {
        foreach (var (value, detail) in RunTypes)
        {
            items.Value(value, CompletionItemKind.EnumMember, detail);
        }
    }

    /// <summary>The known choices of a string key; false when it has none.</summary>
    public static bool TryAddChoices(CompletionItems items, Type? owner, string key)
    {
        if (owner is null || !StringChoices.TryGetValue((owner, key), out var choices))
        {
            return false;
        }

        var defaultText = items.Request.Property?.DefaultText;
        foreach (var choice in choices)
        {
            items.Value(choice, CompletionItemKind.EnumMember, choice == defaultText ? "the default" : null);
        }

        return true;
    }

    /// <summary>A list of enum values written on its key's line: <c>backends: ‸</c> offers <c>[aws]</c> and the rest.</summary>
    public static void AddFlowLists(CompletionItems items, Type enumType)
    {
        foreach (var name in EnumSpellings.Of(enumType))
        {
            items.Value($"[{name}]", CompletionItemKind.EnumMember, $"a list with {name}; add more after a comma");
        }
    }
}
