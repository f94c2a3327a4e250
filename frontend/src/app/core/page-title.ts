import { DOCUMENT } from '@angular/common';
import { Injectable, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';

/**
 * The tab's title with my unread count in front: "(3) general · Chat". It stands in for Angular's
 * Title (app.config.ts provides it as Title), so the router's route titles and the pages that set
 * a title go through it unchanged; the shell keeps the count.
 */
@Injectable({ providedIn: 'root' })
export class PageTitle extends Title {
  private readonly document = inject(DOCUMENT);
  private base = this.document.title;
  private unread = 0;

  constructor() {
    super(inject(DOCUMENT));
  }

  /** The title without the count. */
  override getTitle(): string {
    return this.base;
  }

  override setTitle(title: string): void {
    this.base = title;
    this.write();
  }

  /** My unread messages across all rooms; 0 takes the count away. */
  setUnread(count: number): void {
    this.unread = count;
    this.write();
  }

  private write(): void {
    this.document.title = this.unread > 0 ? `(${this.unread}) ${this.base}` : this.base;
  }
}
