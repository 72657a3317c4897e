using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Binding;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Durations: <c>30m</c>, <c>1h</c>, ... in the units dstack reads (<c>s m h d w</c>, lower case, one unit), plus
/// <c>off</c> and <c>false</c> where the property takes them (<see cref="PropertyDescriptor.DurationForms"/>); after a
/// typed number, that number with each unit.
/// </summary>
public static class DurationCompletion
{
    private static readonly (string Value, string Words)[] Typical =
    [
        ("5m", "5 minutes"), ("30m", "30 minutes"), ("1h", "1 hour"), ("2h", "2 hours"), ("6h", "6 hours"),
        ("12h", "12 hours"), ("1d", "1 day"), ("3d", "3 days"),
    ];

    private static readonly (string Unit, string Words)[] Units = [("m", "minutes"), ("h", "hours"), ("d", "days"), ("s", "seconds"), ("w", "weeks")];

    public static void Add(CompletionItems items)
    {
        var request = items.Request;
        var property = request.Property;
        var forms = property?.DurationForms;
        var defaultText = property?.DefaultText;
        if (RangeForms.IsNumber(request.Prefix) && !request.Prefix.Contains('.', StringComparison.Ordinal))
        {
            foreach (var (unit, words) in Units)
            {
                items.Value(request.Prefix + unit, CompletionItemKind.Unit, $"{request.Prefix} {words}");
            }
        }

        if (defaultText is not null)
        {
            items.Value(defaultText, defaultText == "off" ? CompletionItemKind.Keyword : CompletionItemKind.Unit, "the default");
        }

        foreach (var (value, words) in Typical)
        {
            items.Value(value, CompletionItemKind.Unit, words);
        }

        if (forms?.AllowOff == true)
        {
            items.Value("off", CompletionItemKind.Keyword, "no limit");
        }

        if (forms?.AllowBool == true)
        {
            items.Value("false", CompletionItemKind.Keyword, property?.YamlName == "idle_duration" ? "keep the instance" : "no limit, as off");
        }
    }
}
