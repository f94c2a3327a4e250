import { Route } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from './auth/auth-guards';

export const appRoutes: Route[] = [
  {
    path: 'login',
    title: 'Log in · Chat',
    canMatch: [guestGuard],
    loadComponent: () => import('./auth/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'register',
    title: 'Create account · Chat',
    canMatch: [guestGuard],
    loadComponent: () => import('./auth/register-page').then((m) => m.RegisterPage),
  },
  {
    path: '',
    canMatch: [authGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Chat',
        loadComponent: () => import('./shell/home-page').then((m) => m.HomePage),
      },
      {
        path: 'rooms/new',
        title: 'New room · Chat',
        loadComponent: () => import('./rooms/create-room-page').then((m) => m.CreateRoomPage),
      },
      {
        path: 'rooms/browse',
        title: 'Public rooms · Chat',
        loadComponent: () => import('./rooms/browse-rooms-page').then((m) => m.BrowseRoomsPage),
      },
      {
        path: 'dms/new',
        title: 'New message · Chat',
        loadComponent: () => import('./rooms/start-dm-page').then((m) => m.StartDmPage),
      },
      {
        path: 'search',
        title: 'Search · Chat',
        loadComponent: () => import('./search/search-page').then((m) => m.SearchPage),
      },
      {
        path: 'profile',
        title: 'Profile · Chat',
        loadComponent: () => import('./auth/profile-page').then((m) => m.ProfilePage),
      },
      {
        path: 'admin',
        title: 'Admin · Chat',
        canMatch: [adminGuard],
        loadComponent: () => import('./admin/admin-page').then((m) => m.AdminPage),
      },
      {
        path: 'rooms/:roomId',
        title: 'Chat',
        loadComponent: () => import('./chat/room-page').then((m) => m.RoomPage),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
