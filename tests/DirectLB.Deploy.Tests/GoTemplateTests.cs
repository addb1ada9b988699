using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

public class GoTemplateTests
{
    private static readonly object Root = PlainYaml.Load("""
        Values:
          name: web
          on: true
          off: false
          empty: []
          clusters:
            - id: east
            - id: west
        Release:
          Namespace: lb
        """);

    [Theory]
    [InlineData("name: {{ .Values.name }}", "name: web")]
    [InlineData("{{ range .Values.clusters }}{{ .id }}@{{ $.Release.Namespace }} {{ end }}", "east@lb west@lb ")]
    [InlineData("a\n  {{- .Values.name }}", "aweb")]
    [InlineData("{{ .Values.name -}}  \n b", "webb")]
    [InlineData("{{ if .Values.on }}yes{{ end }}{{ if .Values.off }}no{{ end }}{{ if .Values.empty }}no{{ end }}", "yes")]
    [InlineData("{{ .Values.on | quote }}", "\"true\"")]
    [InlineData("{{ .Values.name | b64enc }}", "d2Vi")]
    [InlineData("{{ .Values.name | b64enc | quote }}", "\"d2Vi\"")]
    [InlineData("{{ if .Values.off }}a{{ else }}b{{ end }}{{ if .Values.on }}c{{ else }}d{{ end }}", "bc")]
    [InlineData("{{ $n := printf \"%s.%s.svc\" .Values.name $.Release.Namespace }}{{ $n }}", "web.lb.svc")]
    [InlineData("{{ $x := \"outer\" }}{{ range .Values.clusters }}{{ $x }}:{{ .id }} {{ end }}", "outer:east outer:west ")]
    [InlineData("{{ $x := \"\" }}{{ if .Values.on }}{{ $x = \"set\" }}{{ end }}{{ $x }}{{ if not .Values.off }}!{{ end }}", "set!")]
    [InlineData("{{ (printf \"%s-%d\" .Values.name 7) | quote }}", "\"web-7\"")]
    public void Renders_the_subset_as_helm_does(string template, string expected) =>
        Assert.Equal(expected, GoTemplate.Render(template, Root));

    [Theory]
    [InlineData("{{ include \"x\" . }}")]
    [InlineData("{{ .Values.name | default \"x\" }}")]
    [InlineData("{{ with .Values.on }}a{{ end }}")]
    [InlineData("{{ range .Values.clusters }}a{{ else }}b{{ end }}")]
    [InlineData("{{ if .Values.on }}a{{ else if .Values.off }}b{{ end }}")]
    [InlineData("{{ lookup \"v1\" \"Secret\" \"ns\" \"name\" }}")]
    [InlineData("{{ toYaml .Values.clusters }}")]
    [InlineData("{{ .Values.clusters }}")]
    public void Refuses_what_is_outside_the_subset(string template) =>
        Assert.Throws<NotSupportedException>(() => GoTemplate.Render(template, Root));

    [Fact]
    public void A_variable_lives_until_the_end_of_its_block() =>
        Assert.Throws<KeyNotFoundException>(() => GoTemplate.Render("{{ if .Values.on }}{{ $x := 1 }}{{ end }}{{ $x }}", Root));

    [Fact]
    public void GenSignedCert_makes_a_certificate_its_genCA_authority_signed_for_the_names_given()
    {
        var pems = GoTemplate.Render(
            """
            {{- $ca := genCA "test-ca" 365 }}
            {{- $cert := genSignedCert "web.lb.svc" nil (list "web.lb.svc" (printf "web.%s.svc.cluster.local" $.Release.Namespace)) 365 $ca }}
            {{- $ca.Cert }}{{ $cert.Cert }}{{ $cert.Key }}
            """,
            Root);

        var (ca, cert) = Certificates.Parse(pems);
        Assert.True(Certificates.Chains(cert, ca));
        Assert.Equal(["web.lb.svc", "web.lb.svc.cluster.local"], Certificates.DnsNames(cert));
        Assert.False(Certificates.Chains(cert, Certificates.Parse(GoTemplate.Render("""{{ $c := genCA "other" 1 }}{{ $c.Cert }}{{ $c.Cert }}""", Root)).Ca));
    }

    [Fact]
    public void A_missing_key_fails_instead_of_printing_nothing() =>
        Assert.Throws<KeyNotFoundException>(() => GoTemplate.Render("{{ .Values.nmae }}", Root));

    [Fact]
    public void An_if_without_end_fails() =>
        Assert.Throws<FormatException>(() => GoTemplate.Render("{{ if .Values.on }}a", Root));
}
