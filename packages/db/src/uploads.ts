import type { Db } from "./client";
import type { Prisma, Upload } from "./generated/prisma/client";

export type { Upload };

export interface NewUpload {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  objectKey: string;
  expiresAt: Date;
}

/** Direct-to-S3 uploads: announced, then consumed once by the document created from them. */
export class UploadRepository {
  constructor(private readonly db: Db) {}

  create(input: NewUpload): Promise<Upload> {
    return this.db.upload.create({ data: input });
  }

  find(id: string): Promise<Upload | null> {
    return this.db.upload.findUnique({ where: { id } });
  }

  /**
   * Creates the document and links the upload to it in one transaction. Returns null when another request
   * consumed the upload first (the caller answers with that request's document).
   */
  async consume(uploadId: string, createDocument: (tx: Prisma.TransactionClient) => Promise<{ id: string }>): Promise<string | null> {
    try {
      return await this.db.$transaction(async (tx) => {
        const doc = await createDocument(tx);
        const linked = await tx.upload.updateMany({ where: { id: uploadId, documentId: null }, data: { documentId: doc.id } });
        if (linked.count !== 1) throw new AlreadyConsumed();
        return doc.id;
      });
    } catch (error) {
      if (error instanceof AlreadyConsumed) return null;
      throw error;
    }
  }
}

class AlreadyConsumed extends Error {}
