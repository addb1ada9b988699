using System.Globalization;
using System.Text;

namespace DirectLB.Actors.Planning;

/// <summary>
/// A user's text as an error message quotes it, for log lines and Events: control and invisible formatting
/// characters (line breaks, direction overrides, NUL) written as \uXXXX so nothing can forge a log line or hide
/// text, and cut to 64 characters so a 256 KB annotation does not become a 256 KB Event.
/// </summary>
internal static class Quote
{
    private const int Limit = 64;

    public static string Short(string text)
    {
        if (text.Length <= Limit && text.All(c => c is >= ' ' and <= '~'))
        {
            return text;
        }

        var quoted = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (quoted.Length >= Limit)
            {
                quoted.Append(CultureInfo.InvariantCulture, $"… ({text.Length} characters)");
                break;
            }

            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else
            {
                quoted.Append(rune.ToString());
            }
        }

        return quoted.ToString();
    }
}
