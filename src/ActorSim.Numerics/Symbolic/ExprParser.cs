using System.Globalization;

namespace ActorSim.Numerics.Symbolic;

/// <summary>A formula that cannot be parsed: the message names the position (1-based character) and what was expected.</summary>
public sealed class ExprParseException(string message, int position) : FormatException(message)
{
    /// <summary>1-based character position of the problem.</summary>
    public int Position { get; } = position;
}

/// <summary>
/// Recursive-descent parser for formulas: numbers (1, 0.5, 2e-3), variables (the names allowed by the caller),
/// the constant pi, + - * / ^ (right-associative, binding tighter than unary minus: -x^2 = -(x^2)), parentheses
/// and the functions of <see cref="Functions.Names"/>.
/// </summary>
public sealed class ExprParser
{
    private readonly string _text;
    private readonly IReadOnlyDictionary<string, string> _variables;
    private int _pos;

    private ExprParser(string text, IReadOnlyDictionary<string, string> variables) { _text = text; _variables = variables; }

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="variables"/> maps each allowed name to the variable it stands
    /// for (aliases allowed, e.g. q → x).
    /// </summary>
    public static Expr Parse(string text, IReadOnlyDictionary<string, string> variables)
    {
        var p = new ExprParser(text, variables);
        p.Skip();
        if (p._pos >= text.Length) throw new ExprParseException("the formula is empty", 1);
        var e = p.Sum();
        p.Skip();
        if (p._pos < text.Length) throw p.Error($"unexpected '{text[p._pos]}'", "an operator (+ - * / ^) or the end of the formula");
        return e;
    }

    private ExprParseException Error(string what, string expected) =>
        new($"{what} at character {_pos + 1} of \"{_text}\": expected {expected}", _pos + 1);

    private void Skip() { while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++; }

    private bool Accept(char c)
    {
        Skip();
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private Expr Sum()
    {
        var e = Product();
        while (true)
        {
            if (Accept('+')) e = new Binary(BinaryOp.Add, e, Product());
            else if (Accept('-')) e = new Binary(BinaryOp.Sub, e, Product());
            else return e;
        }
    }

    private Expr Product()
    {
        var e = Unary();
        while (true)
        {
            if (Accept('*')) e = new Binary(BinaryOp.Mul, e, Unary());
            else if (Accept('/')) e = new Binary(BinaryOp.Div, e, Unary());
            else return e;
        }
    }

    private Expr Unary()
    {
        if (Accept('-')) return new Neg(Unary());
        if (Accept('+')) return Unary();
        return Power();
    }

    private Expr Power()
    {
        var b = Atom();
        if (Accept('^')) return new Binary(BinaryOp.Pow, b, Unary());
        return b;
    }

    private Expr Atom()
    {
        Skip();
        if (_pos >= _text.Length) throw Error("the formula ends", "a number, a variable, a function or '('");
        char c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            var e = Sum();
            if (!Accept(')')) throw Error(_pos < _text.Length ? $"unexpected '{_text[_pos]}'" : "the formula ends", "')'");
            return e;
        }
        if (char.IsDigit(c) || c == '.')
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] == '.')) _pos++;
            if (_pos < _text.Length && (_text[_pos] is 'e' or 'E'))
            {
                int save = _pos++;
                if (_pos < _text.Length && (_text[_pos] is '+' or '-')) _pos++;
                if (_pos < _text.Length && char.IsDigit(_text[_pos])) while (_pos < _text.Length && char.IsDigit(_text[_pos])) _pos++;
                else _pos = save;
            }
            string s = _text[start.._pos];
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                _pos = start;
                throw Error($"\"{s}\" is not a number", "a number such as 2, 0.5 or 1e-3");
            }
            return new Num(v);
        }
        if (char.IsLetter(c) || c == '_')
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
            string name = _text[start.._pos];
            Skip();
            if (_pos < _text.Length && _text[_pos] == '(')
            {
                if (!Functions.Names.Contains(name))
                {
                    _pos = start;
                    throw Error($"unknown function \"{name}\"", "one of " + string.Join(", ", Functions.Names));
                }
                _pos++;
                var arg = Sum();
                if (!Accept(')')) throw Error(_pos < _text.Length ? $"unexpected '{_text[_pos]}'" : "the formula ends", $"')' closing {name}(");
                return new Call(name, arg);
            }
            if (name == "pi") return new Num(Math.PI);
            if (_variables.TryGetValue(name, out string? v)) return new Var(v);
            _pos = start;
            throw Error($"unknown name \"{name}\"", "a variable (" + string.Join(", ", _variables.Keys) + "), pi, or a function call such as sin(x)");
        }
        throw Error($"unexpected '{c}'", "a number, a variable, a function or '('");
    }
}
