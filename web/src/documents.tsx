import { useState } from 'react';
import type { Translate } from './i18n.ts';
import { Markdown } from './markdown.tsx';
import type { DesignDocument } from './turns.ts';

function download(doc: DesignDocument): void {
  const url = URL.createObjectURL(new Blob([doc.content], { type: 'text/markdown;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = doc.filename.endsWith('.md') ? doc.filename : `${doc.filename}.md`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The design documents the runs of this session wrote, rendered, each downloadable as .md. */
export function Documents({ documents, t }: { documents: DesignDocument[]; t: Translate }) {
  const [hidden, setHidden] = useState<Record<string, boolean>>({});
  return (
    <section className="panel documents" aria-label={t('documents')}>
      <h2>{t('documents')}</h2>
      {documents.length === 0 && <p className="muted">{t('noDocuments')}</p>}
      {documents.map((doc) => (
        <div key={doc.documentId} id={`doc-${doc.documentId}`} className="document" data-testid="document">
          <div className="doc-head">
            <strong>{doc.filename}</strong>
            <button
              type="button"
              onClick={() => setHidden({ ...hidden, [doc.documentId]: !hidden[doc.documentId] })}
            >
              {hidden[doc.documentId] ? t('show') : t('hide')}
            </button>
            <button type="button" data-testid="download" onClick={() => download(doc)}>
              {t('download')}
            </button>
          </div>
          {!hidden[doc.documentId] && <Markdown className="doc-body" text={doc.content} />}
        </div>
      ))}
    </section>
  );
}
