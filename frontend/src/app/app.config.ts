import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { appRoutes } from './app.routes';
import { authInterceptor } from './auth/auth-interceptor';
import { USER_DATA_KEYS } from './auth/session-store';
import { userDataKeys } from './chat/chat-persistence';
import { PageTitle } from './core/page-title';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
    // A logout by choice forgets the chat's unsent messages and drafts on this device.
    { provide: USER_DATA_KEYS, useValue: userDataKeys },
    // Route and page titles, with my unread count in front.
    { provide: Title, useExisting: PageTitle },
  ],
};
