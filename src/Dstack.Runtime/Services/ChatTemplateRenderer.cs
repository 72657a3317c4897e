using System.Globalization;
using System.Text;

namespace Dstack.Runtime.Services;

/// <summary>
/// Renders parsed chat template nodes with Jinja's meaning: values are strings, longs, doubles, bools, null (none),
/// lists and string-keyed dictionaries; an unknown name or key is undefined (prints nothing, is false); <c>set</c> inside
/// a <c>for</c> stays in that loop, as in Jinja.
/// </summary>
internal sealed class ChatTemplateRenderer
{
    /// <summary>Jinja's undefined: what a missing variable, key or index gives.</summary>
    public static readonly object Undefined = new();

    private readonly StringBuilder _output = new();
    private readonly List<Dictionary<string, object?>> _scopes;

    private ChatTemplateRenderer(Dictionary<string, object?> globals) => _scopes = [globals];

    public static string Render(IReadOnlyList<ChatNode> nodes, Dictionary<string, object?> globals)
    {
        var renderer = new ChatTemplateRenderer(globals);
        renderer.Run(nodes);
        return renderer._output.ToString();
    }

    private void Run(IReadOnlyList<ChatNode> nodes)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case ChatText text:
                    _output.Append(text.Text);
                    break;
                case ChatOutput output:
                    _output.Append(ChatValues.Print(Eval(output.Value)));
                    break;
                case ChatSet set:
                    _scopes[^1][set.Variable] = Eval(set.Value);
                    break;
                case ChatIf conditional:
                    var branch = conditional.Branches.FirstOrDefault(b => ChatValues.Truthy(Eval(b.Condition)));
                    Run(branch.Body ?? conditional.Else ?? []);
                    break;
                case ChatFor loop:
                    RunFor(loop);
                    break;
            }
        }
    }

    private void RunFor(ChatFor loop)
    {
        var items = Eval(loop.Items) switch
        {
            IReadOnlyList<object?> list => list,
            IReadOnlyDictionary<string, object?> map => [.. map.Keys],
            string s => [.. s.Select(c => (object?)c.ToString())],
            var other when other == Undefined || other is null => [],
            var other => throw Failure($"cannot loop over {ChatValues.Describe(other)}", loop.Items),
        };
        if (items.Count == 0)
        {
            Run(loop.Else ?? []);
            return;
        }

        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        _scopes.Add(scope);
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                scope[loop.Variable] = items[i];
                scope["loop"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["index0"] = (long)i,
                    ["index"] = (long)i + 1,
                    ["revindex0"] = (long)(items.Count - i - 1),
                    ["revindex"] = (long)(items.Count - i),
                    ["first"] = i == 0,
                    ["last"] = i == items.Count - 1,
                    ["length"] = (long)items.Count,
                };
                Run(loop.Body);
            }
        }
        finally
        {
            _scopes.RemoveAt(_scopes.Count - 1);
        }
    }

    private object? Eval(ChatExpr expr)
    {
        switch (expr)
        {
            case ChatLiteral literal:
                return literal.Value;
            case ChatList list:
                return list.Items.Select(Eval).ToList();
            case ChatName name:
                for (var i = _scopes.Count - 1; i >= 0; i--)
                {
                    if (_scopes[i].TryGetValue(name.Name, out var value))
                    {
                        return value;
                    }
                }

                return Undefined;
            case ChatAttribute attribute:
                return ChatValues.Item(Eval(attribute.Target), attribute.Name);
            case ChatIndex index:
                return ChatValues.Item(Eval(index.Target), Eval(index.Key));
            case ChatSlice slice:
                return ChatValues.Slice(Eval(slice.Target), slice.Start is { } from ? Eval(from) : null, slice.Stop is { } to ? Eval(to) : null) ?? throw Failure("only a list or a string can be sliced", slice);
            case ChatUnary { Operator: "not" } not:
                return !ChatValues.Truthy(Eval(not.Operand));
            case ChatUnary negate:
                return Eval(negate.Operand) switch
                {
                    long l => (object)(-l),
                    double d => -d,
                    var v => throw Failure($"cannot negate {ChatValues.Describe(v)}", negate),
                };
            case ChatBinary { Operator: "and" } and:
                var left = Eval(and.Left);
                return ChatValues.Truthy(left) ? Eval(and.Right) : left;
            case ChatBinary { Operator: "or" } or:
                var first = Eval(or.Left);
                return ChatValues.Truthy(first) ? first : Eval(or.Right);
            case ChatBinary binary:
                return ChatValues.Binary(binary.Operator, Eval(binary.Left), Eval(binary.Right)) is { } result
                    ? result.Value
                    : throw Failure($"`{binary.Operator}` cannot combine {ChatValues.Describe(Eval(binary.Left))} and {ChatValues.Describe(Eval(binary.Right))}", binary);
            case ChatFilter filter:
                return ChatValues.Filter(filter.Name, Eval(filter.Target)) is { } filtered
                    ? filtered.Value
                    : throw Failure($"the filter `{filter.Name}` does not apply to {ChatValues.Describe(Eval(filter.Target))}", filter);
            case ChatTest test:
                var tested = Eval(test.Target);
                var passed = test.Name switch
                {
                    "defined" => tested != Undefined,
                    "undefined" => tested == Undefined,
                    "none" => tested is null,
                    _ => tested is string,
                };
                return passed != test.Negated;
            case ChatConditional conditional:
                return ChatValues.Truthy(Eval(conditional.Condition)) ? Eval(conditional.Then) : conditional.Else is { } e ? Eval(e) : Undefined;
            case ChatRaise raise:
                throw new ChatTemplateException(ChatValues.Print(Eval(raise.Message))) { Raised = true };
            default:
                throw Failure("unknown expression", expr);
        }
    }

    private static ChatTemplateException Failure(string message, ChatExpr at) =>
        new(string.Create(CultureInfo.InvariantCulture, $"the chat_template failed at line {at.Line}, column {at.Column}: {message}"));
}
