using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// The errors one validation of one object found, worded as apimachinery's <c>field.Error</c> prints them
/// (<c>path: Invalid value: "x": detail</c>), and turned into the real server's 422 Invalid: the message lists the
/// distinct errors (<c>[a, b]</c> when several), <c>details.causes</c> every one, in the order the checks ran.
/// </summary>
internal sealed class FieldErrors
{
    private readonly List<(string Reason, string Body, string Field)> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Invalid(string field, string value, string detail) => Add("FieldValueInvalid", field, $"Invalid value: {Quote(value)}: {detail}");

    public void Invalid(string field, long value, string detail) => Add("FieldValueInvalid", field, $"Invalid value: {value.ToString(CultureInfo.InvariantCulture)}: {detail}");

    public void NotSupported(string field, string value, params string[] supported) =>
        Add("FieldValueNotSupported", field, $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Order(StringComparer.Ordinal).Select(Quote))}");

    /// <param name="value">The duplicate as the real server prints it (a quoted string, a number, a Go struct).</param>
    public void Duplicate(string field, string value) => Add("FieldValueDuplicate", field, $"Duplicate value: {value}");

    public void Required(string field, string detail = "") => Add("FieldValueRequired", field, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public void Forbidden(string field, string detail) => Add("FieldValueForbidden", field, $"Forbidden: {detail}");

    public void TooMany(string field, int count, int max) => Add("FieldValueTooMany", field, $"Too many: {count}: must have at most {max} items");

    public void TooLong(string field, int max) => Add("FieldValueTooLong", field, $"Too long: must have at most {max} bytes");

    /// <summary>One <see cref="Invalid(string, string, string)"/> per message a rule returned.</summary>
    public void InvalidEach(string field, string value, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Invalid(field, value, message);
        }
    }

    /// <summary>422 Invalid when anything was found, as <c>errors.NewInvalid</c> builds it.</summary>
    public void ThrowIfAny(ResourceKind kind, string name)
    {
        if (!Any)
        {
            return;
        }
        var messages = _errors.Select(e => $"{e.Field}: {e.Body}").Distinct().ToList();
        var aggregate = messages.Count == 1 ? messages[0] : $"[{string.Join(", ", messages)}]";
        var causes = new JsonArray([.. _errors.Select(e => (JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field })]);
        throw KubeApiException.Invalid(kind, name, aggregate, causes);
    }

    private void Add(string reason, string field, string body) => _errors.Add((reason, body, field));

    /// <summary>A string as Go's <c>%q</c> prints it.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder("\"", value.Length + 2);
        foreach (var rune in value.EnumerateRunes())
        {
            quoted.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < 0x20 or 0x7f => $"\\x{rune.Value:x2}",
                _ when Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.OtherNotAssigned
                    => rune.Value > 0xffff ? $"\\U{rune.Value:x8}" : $"\\u{rune.Value:x4}",
                _ => rune.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
