using System.Globalization;

namespace Dstack.Runtime.Services;

/// <summary>
/// Expressions, lowest precedence first: <c>x if c else y</c>, <c>or</c>, <c>and</c>, <c>not</c>, comparisons
/// (<c>== != &lt; &gt; &lt;= &gt;= in</c>, <c>not in</c>, <c>is [not] defined|none|string</c>), <c>~</c>, <c>+ -</c>,
/// <c>* / %</c>, unary <c>-</c>, then <c>.name</c>, <c>[key]</c>, <c>[a:b]</c>, <c>|filter</c> and literals.
/// </summary>
internal sealed partial class ChatTemplateParser
{
    /// <summary>The filters (and the Python string methods that mean the same) a template may use.</summary>
    public static readonly string[] Filters = ["trim", "length", "upper", "lower"];

    private static readonly string[] Tests = ["defined", "undefined", "none", "string"];
    private static readonly Dictionary<string, string> Methods = new(StringComparer.Ordinal) { ["strip"] = "trim", ["upper"] = "upper", ["lower"] = "lower" };
    private static readonly string[] Comparisons = ["==", "!=", "<", ">", "<=", ">="];

    private ChatExpr ParseExpression()
    {
        var value = ParseOr();
        if (!Current.Is(ChatTokenKind.Name, "if"))
        {
            return value;
        }

        var at = Next();
        var condition = ParseOr();
        ChatExpr? otherwise = null;
        if (Current.Is(ChatTokenKind.Name, "else"))
        {
            _index++;
            otherwise = ParseExpression();
        }

        return new ChatConditional(value, condition, otherwise, at.Line, at.Column);
    }

    private ChatExpr ParseOr() => ParseLeft(ParseAnd, ChatTokenKind.Name, "or");

    private ChatExpr ParseAnd() => ParseLeft(ParseNot, ChatTokenKind.Name, "and");

    private ChatExpr ParseNot()
    {
        if (Current.Is(ChatTokenKind.Name, "not"))
        {
            var at = Next();
            return new ChatUnary("not", ParseNot(), at.Line, at.Column);
        }

        return ParseComparison();
    }

    private ChatExpr ParseComparison()
    {
        var left = ParseConcat();
        while (true)
        {
            var at = Current;
            if (at.Kind == ChatTokenKind.Operator && Comparisons.Contains(at.Value))
            {
                _index++;
                left = new ChatBinary(at.Value, left, ParseConcat(), at.Line, at.Column);
            }
            else if (at.Is(ChatTokenKind.Name, "in"))
            {
                _index++;
                left = new ChatBinary("in", left, ParseConcat(), at.Line, at.Column);
            }
            else if (at.Is(ChatTokenKind.Name, "not") && _tokens[_index + 1].Is(ChatTokenKind.Name, "in"))
            {
                _index += 2;
                left = new ChatUnary("not", new ChatBinary("in", left, ParseConcat(), at.Line, at.Column), at.Line, at.Column);
            }
            else if (at.Is(ChatTokenKind.Name, "is"))
            {
                _index++;
                var negated = Current.Is(ChatTokenKind.Name, "not");
                _index += negated ? 1 : 0;
                var test = Expect(ChatTokenKind.Name, null, $"as the test after `is` ({string.Join(", ", Tests)})");
                if (!Tests.Contains(test.Value))
                {
                    throw Error($"the test `{test.Value}` is not supported; use one of {string.Join(", ", Tests)}", test);
                }

                left = new ChatTest(left, test.Value, negated, at.Line, at.Column);
            }
            else
            {
                return left;
            }
        }
    }

    private ChatExpr ParseConcat() => ParseLeft(ParseAdditive, ChatTokenKind.Operator, "~");

    private ChatExpr ParseAdditive() => ParseLeft(ParseMultiplicative, ChatTokenKind.Operator, "+", "-");

    private ChatExpr ParseMultiplicative() => ParseLeft(ParseUnary, ChatTokenKind.Operator, "*", "/", "%");

    private ChatExpr ParseLeft(Func<ChatExpr> operand, ChatTokenKind kind, params string[] operators)
    {
        var left = operand();
        while (Current.Kind == kind && operators.Contains(Current.Value))
        {
            var at = Next();
            left = new ChatBinary(at.Value, left, operand(), at.Line, at.Column);
        }

        return left;
    }

    private ChatExpr ParseUnary()
    {
        if (Current.Is(ChatTokenKind.Operator, "-"))
        {
            var at = Next();
            return new ChatUnary("-", ParseUnary(), at.Line, at.Column);
        }

        return ParsePostfix(ParsePrimary());
    }

    private ChatExpr ParsePostfix(ChatExpr target)
    {
        while (true)
        {
            var at = Current;
            if (at.Is(ChatTokenKind.Operator, "."))
            {
                _index++;
                var name = Expect(ChatTokenKind.Name, null, "as the attribute after `.`");
                if (Current.Is(ChatTokenKind.Operator, "("))
                {
                    if (!Methods.TryGetValue(name.Value, out var filter))
                    {
                        throw Error($"the method `{name.Value}()` is not supported; use one of strip(), upper(), lower() or a filter ({string.Join(", ", Filters)})", name);
                    }

                    _index++;
                    Expect(ChatTokenKind.Operator, ")", $"after `{name.Value}(` (it takes no arguments)");
                    target = new ChatFilter(target, filter, name.Line, name.Column);
                }
                else
                {
                    target = new ChatAttribute(target, name.Value, name.Line, name.Column);
                }
            }
            else if (at.Is(ChatTokenKind.Operator, "["))
            {
                _index++;
                target = ParseSubscript(target, at);
            }
            else if (at.Is(ChatTokenKind.Operator, "|"))
            {
                _index++;
                var name = Expect(ChatTokenKind.Name, null, "as the filter after `|`");
                if (!Filters.Contains(name.Value))
                {
                    throw Error($"the filter `{name.Value}` is not supported; use one of {string.Join(", ", Filters)}", name);
                }

                target = new ChatFilter(target, name.Value, name.Line, name.Column);
            }
            else
            {
                return target;
            }
        }
    }

    private ChatExpr ParseSubscript(ChatExpr target, ChatToken at)
    {
        ChatExpr? start = Current.Is(ChatTokenKind.Operator, ":") ? null : ParseExpression();
        if (start is not null && Current.Is(ChatTokenKind.Operator, "]"))
        {
            _index++;
            return new ChatIndex(target, start, at.Line, at.Column);
        }

        Expect(ChatTokenKind.Operator, ":", "or `]` in the subscript");
        ChatExpr? stop = Current.Is(ChatTokenKind.Operator, "]") ? null : ParseExpression();
        Expect(ChatTokenKind.Operator, "]", "to end the slice");
        return new ChatSlice(target, start, stop, at.Line, at.Column);
    }

    private ChatExpr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case ChatTokenKind.String:
                return new ChatLiteral(token.Value, token.Line, token.Column);
            case ChatTokenKind.Number:
                return new ChatLiteral(long.Parse(token.Value, CultureInfo.InvariantCulture), token.Line, token.Column);
            case ChatTokenKind.Name:
                switch (token.Value)
                {
                    case "true" or "True":
                        return new ChatLiteral(true, token.Line, token.Column);
                    case "false" or "False":
                        return new ChatLiteral(false, token.Line, token.Column);
                    case "none" or "None":
                        return new ChatLiteral(null, token.Line, token.Column);
                }

                if (!Current.Is(ChatTokenKind.Operator, "("))
                {
                    return new ChatName(token.Value, token.Line, token.Column);
                }

                if (token.Value != "raise_exception")
                {
                    throw Error($"the function `{token.Value}()` is not supported; the only function is raise_exception('message')", token);
                }

                _index++;
                var message = ParseExpression();
                Expect(ChatTokenKind.Operator, ")", "to end raise_exception(...)");
                return new ChatRaise(message, token.Line, token.Column);
            case ChatTokenKind.Operator when token.Value == "(":
                var inner = ParseExpression();
                Expect(ChatTokenKind.Operator, ")", "to close the `(`");
                return inner;
            case ChatTokenKind.Operator when token.Value == "[":
                var items = new List<ChatExpr>();
                while (!Current.Is(ChatTokenKind.Operator, "]"))
                {
                    items.Add(ParseExpression());
                    if (!Current.Is(ChatTokenKind.Operator, ","))
                    {
                        break;
                    }

                    _index++;
                }

                Expect(ChatTokenKind.Operator, "]", "to end the list");
                return new ChatList(items, token.Line, token.Column);
            default:
                throw Error($"expected a value (a string, a number, a variable such as message or messages), found {token.Describe()}", token);
        }
    }
}
