package io.ragline.contracts.document;

/** The Kafka key of every document event, so submit, index, fail and delete of one document share a partition. */
public final class DocumentKeys {

    private DocumentKeys() {}

    public static String key(String tenant, String documentId) {
        return tenant + "/" + documentId;
    }
}
