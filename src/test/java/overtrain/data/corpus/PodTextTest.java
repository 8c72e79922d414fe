package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PodTextTest {
  private static String pod(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void commandsGoHeadingsAndItemsKeepTheirText() {
    String in = pod(
        "=encoding utf8",
        "",
        "=head1 NAME",
        "",
        "perlintro - a brief introduction",
        "",
        "=head2 What is B<Perl>?",
        "",
        "=over 4",
        "",
        "=item *",
        "",
        "First point.",
        "",
        "=item * Second point",
        "",
        "=item C<-w> switch",
        "",
        "Turns warnings on.",
        "",
        "=back",
        "",
        "=cut");
    assertEquals(pod(
        "NAME", "", "perlintro - a brief introduction", "", "What is Perl?", "", "First point.", "",
        "Second point", "", "-w switch", "", "Turns warnings on."), PodText.strip(in));
  }

  @Test
  void formattingCodesKeepTheirTextAndNest() {
    String in = pod(
        "=pod",
        "",
        "Use B<bold I<and italic>>, C<print>, F</etc/passwd> and S<non breaking>;",
        "C<< $obj->method >> and C<<< $a <=> $b >>> and C<< B<nested> > 1 >>;",
        "X<index entry>and NZ<><3 and E<lt>tagE<gt>, E<sol>, E<verbar>, E<0x263A>, E<233>, E<eacute>.");
    assertEquals(pod(
        "Use bold and italic, print, /etc/passwd and non breaking;",
        "$obj->method and $a <=> $b and nested > 1;",
        "and N<3 and <tag>, /, |, \u263a, \u00e9, \u00e9."), PodText.strip(in));
  }

  @Test
  void linksKeepTheirTextOrNameTheTarget() {
    String in = pod(
        "=head1 SEE ALSO",
        "",
        "L<perlfunc>, L<the open function|perlfunc/open>, L<perlfunc/\"open\">, L</DESCRIPTION>,",
        "L<B<bold> text|perlpod>, L<https://www.perl.org/>, L<a E<verbar> b|perlop> and a | outside.");
    assertEquals(pod(
        "SEE ALSO", "",
        "perlfunc, the open function, \"open\" in perlfunc, \"DESCRIPTION\",",
        "bold text, https://www.perl.org/, a | b and a | outside."), PodText.strip(in));
  }

  @Test
  void verbatimParagraphsStayAsTheyAre() {
    String in = pod(
        "=head1 SYNOPSIS",
        "",
        "    my $x = C<not a code> . 'E<lt>';",
        "    print $x;",
        "",
        "    # still verbatim",
        "",
        "Back to B<text>.");
    assertEquals(pod(
        "SYNOPSIS", "",
        "    my $x = C<not a code> . 'E<lt>';",
        "    print $x;", "",
        "    # still verbatim", "",
        "Back to text."), PodText.strip(in));
  }

  @Test
  void nonPodTextAndOtherFormatsAreDropped() {
    String in = pod(
        "If you read this file _as_is_, ignore the funny characters.",
        "",
        "=head1 NAME",
        "",
        "=for comment",
        "This comment spans",
        "two lines.",
        "",
        "=for text Plain text is kept.",
        "",
        "=begin html",
        "",
        "<p>Only for HTML</p>",
        "",
        "=head2 Not a heading here",
        "",
        "=end html",
        "",
        "=begin :text",
        "",
        "For text formatters.",
        "",
        "=end :text",
        "",
        "Kept.",
        "",
        "=cut",
        "",
        "sub code_after_cut { 1 }",
        "",
        "=pod",
        "",
        "Back in POD.");
    assertEquals(pod("NAME", "", "Plain text is kept.", "", "For text formatters.", "", "Kept.", "",
        "Back in POD."), PodText.strip(in));
  }

  @Test
  void unclosedCodesAndUnknownEscapesKeepTheirText() {
    assertEquals(pod("unclosed and E<nosuch>"), PodText.strip(pod("=pod", "", "B<unclosed and E<nosuch>")));
  }
}
